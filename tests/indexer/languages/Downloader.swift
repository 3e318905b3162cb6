import Foundation

/// Errors a download can end with.
public enum DownloadError: Error {
    case badStatus(Int)
    case cancelled

    var isRetryable: Bool {
        if case .badStatus(let code) = self { return code >= 500 }
        return false
    }
}

/// Downloads files and keeps them on disk.
public final class Downloader {
    private let session: URLSession
    private var tasks: [URL: URLSessionTask] = [:]

    public init(session: URLSession = .shared) {
        self.session = session
    }

    deinit {
        tasks.values.forEach { $0.cancel() }
    }

    /// Starts a download unless one for the same URL is running.
    @discardableResult
    public func download(_ url: URL, completion: @escaping (Result<Data, DownloadError>) -> Void) -> Bool {
        guard tasks[url] == nil else { return false }
        let task = session.dataTask(with: url) { data, _, _ in
            completion(data.map { .success($0) } ?? .failure(.cancelled))
        }
        tasks[url] = task
        task.resume()
        return true
    }

    public subscript(url: URL) -> URLSessionTask? {
        tasks[url]
    }
}

protocol Cancellable {
    func cancel()
}

extension Downloader: Cancellable {
    func cancel() {
        tasks.removeAll()
    }
}

func makeDefaultDownloader() -> Downloader {
    Downloader()
}
