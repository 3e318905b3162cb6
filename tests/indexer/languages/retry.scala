package io.example.http

import scala.concurrent.duration._

/** How often and how long to retry a failed request. */
final case class RetryPolicy(maxAttempts: Int, backoff: FiniteDuration) {
  require(maxAttempts > 0, "maxAttempts must be positive")

  /** The delay before the given attempt (1-based). */
  def delayFor(attempt: Int): FiniteDuration =
    backoff * math.pow(2, (attempt - 1).toDouble).toLong

  def withMaxAttempts(n: Int): RetryPolicy = copy(maxAttempts = n)
}

object RetryPolicy {
  val default: RetryPolicy = RetryPolicy(3, 100.millis)

  def fromConfig(conf: Map[String, String]): RetryPolicy = {
    val attempts = conf.get("retry.attempts").map(_.toInt).getOrElse(3)
    RetryPolicy(attempts, 100.millis)
  }
}

sealed trait Outcome
final case class Retry(after: FiniteDuration) extends Outcome
case object GiveUp extends Outcome

trait Retrier[F[_]] {
  def policy: RetryPolicy

  def decide(attempt: Int, error: Throwable): Outcome =
    if (attempt >= policy.maxAttempts) GiveUp
    else Retry(policy.delayFor(attempt))

  def |+|(other: Retrier[F]): Retrier[F]
}

extension (policy: RetryPolicy)
  def totalDelay: FiniteDuration =
    (1 to policy.maxAttempts).map(policy.delayFor).reduce(_ + _)

def retrying[A](policy: RetryPolicy)(body: => A): A =
  body
