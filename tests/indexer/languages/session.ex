defmodule Shop.Session do
  @moduledoc """
  Signed session tokens for the shop front.
  """

  alias Shop.Accounts.User

  @max_age 86_400

  defstruct [:user_id, :issued_at]

  @doc "Signs a token for the user."
  @spec sign(User.t()) :: String.t()
  def sign(%User{id: id}) do
    Phoenix.Token.sign(Shop.Endpoint, "session", id)
  end

  def verify(token, opts \\ [])

  def verify(nil, _opts), do: {:error, :missing}

  def verify(token, opts) when is_binary(token) do
    max_age = Keyword.get(opts, :max_age, @max_age)
    Phoenix.Token.verify(Shop.Endpoint, "session", token, max_age: max_age)
  end

  defp expired?(%__MODULE__{issued_at: at}), do: System.os_time(:second) - at > @max_age

  defmacro require_session(do: block) do
    quote do
      if unquote(block), do: :ok, else: {:error, :unauthorized}
    end
  end

  defmodule Store do
    @moduledoc false
    def put(conn, token), do: Plug.Conn.put_session(conn, :token, token)
  end
end

defimpl Inspect, for: Shop.Session do
  def inspect(session, _opts), do: "#Shop.Session<#{session.user_id}>"
end
