package dev.keepsake.runner.command;

import dev.keepsake.runner.Log;
import dev.keepsake.runner.inventory.Inventory;
import dev.keepsake.runner.redis.RedisDumper;
import dev.keepsake.runner.redis.RedisException;
import java.io.BufferedOutputStream;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(
    name = "redis-dump",
    sortOptions = false,
    description = {
      "Write a dump of Redis to stdout: every key of every type (streams and module types included) with DUMP and its",
      "expiry, as RESTORE commands. Fails, naming the key, when a key cannot be read, and when the dump holds fewer",
      "keys than Redis counted beyond what writes during the dump explain. The password comes from REDISCLI_AUTH."
    })
final class RedisDumpCommand implements Callable<Integer> {
  @Mixin RedisOptions redis;

  @Option(
      names = "--database",
      defaultValue = "-1",
      description = "One database number, or -1 for all (default).")
  int database;

  @Option(
      names = "--key-pattern",
      defaultValue = "*",
      description = "Only keys matching this Redis glob. Default *.")
  String keyPattern;

  @Option(
      names = "--batch",
      defaultValue = "1000",
      description = "Keys asked for per round trip. Default 1000.")
  int batch;

  @Override
  public Integer call() {
    try (OutputStream out =
        new BufferedOutputStream(new FileOutputStream(FileDescriptor.out), 1 << 16)) {
      RedisDumper.Result result =
          RedisDumper.dump(
              new RedisDumper.Options(redis.endpoint(), database, keyPattern, batch), out);
      out.flush();
      Map<String, Long> counts = new LinkedHashMap<>();
      counts.put("keys", result.counts().totalKeys());
      counts.put("databases", (long) result.counts().keys().size());
      result.counts().keys().forEach((db, keys) -> counts.put("keys.db" + db, keys));
      String summary =
          String.format(
              Locale.ROOT,
              "%,d keys in %d database%s of Redis %s; %s",
              result.counts().totalKeys(),
              result.counts().keys().size(),
              result.counts().keys().size() == 1 ? "" : "s",
              result.redisVersion(),
              result.completeness());
      new Inventory(counts, summary, null).report();
      Log.info("dumped %s", summary);
      return 0;
    } catch (RedisDumper.IncompleteDump e) {
      return fail("IncompleteDump", "the dump is incomplete: " + e.getMessage());
    } catch (RedisException e) {
      return fail(
          e.getMessage().startsWith("cannot read key") ? "KeyUnreadable" : "RedisRefused",
          e.getMessage());
    } catch (IOException e) {
      return fail(
          "RedisUnreachable",
          "the dump of " + redis.endpoint().describe() + " failed: " + e.getMessage());
    }
  }

  static int fail(String reason, String message) {
    Log.error("%s", message);
    Inventory.reportFailure(reason, message);
    return 1;
  }
}
