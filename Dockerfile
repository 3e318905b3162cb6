# The codesift web UI (and CLI) on a CPU-only image. docker-compose.yml runs it beside a Qdrant server.
FROM python:3.11-slim

# git: indexing git URLs clones them
RUN apt-get update \
    && apt-get install -y --no-install-recommends git \
    && rm -rf /var/lib/apt/lists/*

WORKDIR /app
# torch first, from the CPU index: the default index brings a multi-GB CUDA build
RUN pip install --no-cache-dir torch==2.13.0 --index-url https://download.pytorch.org/whl/cpu
COPY . .
RUN pip install --no-cache-dir -c constraints.txt .

RUN useradd --create-home --uid 1000 codesift
USER codesift
# the data directory exists before a volume is mounted on it, so the volume belongs to this user
RUN mkdir -p /home/codesift/.local/share/codesift
ENV CODESIFT_QDRANT_URL=http://qdrant:6333

EXPOSE 8501
CMD ["codesift", "ui", "--host", "0.0.0.0", "--port", "8501"]
