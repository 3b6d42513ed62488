package dev.keepsake.runner.redis;

/**
 * Redis refused or could not do what a dump or a restore needed, said in words a user can act on.
 */
public final class RedisException extends RuntimeException {
  public RedisException(String message) {
    super(message);
  }
}
