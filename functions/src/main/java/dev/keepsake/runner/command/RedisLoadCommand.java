package dev.keepsake.runner.command;

import dev.keepsake.runner.Log;
import dev.keepsake.runner.inventory.Inventory;
import dev.keepsake.runner.redis.RedisException;
import dev.keepsake.runner.redis.RedisLoader;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(
    name = "redis-load",
    sortOptions = false,
    description = {
      "Restore a Redis dump read from stdin (Keepsake's, or plain RESP commands) into Redis: pipelined, every reply",
      "checked, stopped at the first error with the key's name. A dump this Redis cannot read (newer format, missing",
      "modules) is refused before anything is written. The password comes from REDISCLI_AUTH."
    })
final class RedisLoadCommand implements Callable<Integer> {
  @Mixin RedisOptions redis;

  @Option(
      names = "--database",
      defaultValue = "all",
      description = "Only this database of the dump, or 'all' (default).")
  String database;

  @Option(
      names = "--key-pattern",
      defaultValue = "*",
      description = "Only keys matching this Redis glob. Default *.")
  String keyPattern;

  @Option(
      names = "--allow-missing-modules",
      description = "Restore even when the dump's Redis had modules this one lacks.")
  boolean allowMissingModules;

  @Override
  public Integer call() throws InterruptedException {
    Integer only;
    try {
      only = database.equals("all") ? null : Integer.valueOf(database);
    } catch (NumberFormatException e) {
      return RedisDumpCommand.fail(
          "InvalidInput", "--database must be a database number or 'all', not '" + database + "'");
    }
    try {
      RedisLoader.Result result =
          RedisLoader.load(
              new RedisLoader.Options(redis.endpoint(), only, keyPattern, allowMissingModules),
              System.in);
      Map<String, Long> counts = new LinkedHashMap<>();
      counts.put("keys", result.keys());
      result.keysByDatabase().forEach((db, keys) -> counts.put("keys.db" + db, keys));
      String partial =
          only == null && keyPattern.equals("*")
              ? null
              : (only == null ? "" : "database " + only)
                  + (keyPattern.equals("*")
                      ? ""
                      : (only == null ? "" : ", ") + "keys " + keyPattern);
      new Inventory(counts, result.summary(), partial).report();
      Log.info("%s", result.summary());
      return 0;
    } catch (RedisException e) {
      return RedisDumpCommand.fail("RedisRefused", e.getMessage());
    } catch (IOException e) {
      return RedisDumpCommand.fail(
          "RestoreFailed",
          "the restore into " + redis.endpoint().describe() + " failed: " + e.getMessage());
    }
  }
}
