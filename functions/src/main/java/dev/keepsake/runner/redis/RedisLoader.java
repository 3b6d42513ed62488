package dev.keepsake.runner.redis;

import com.google.gson.JsonObject;
import dev.keepsake.runner.Log;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.regex.Pattern;

/**
 * Restores a RESP dump into Redis: pipelined, with every reply read and an error stopping the
 * restore with the key's name. Before it writes, it makes sure the server can read the dump (its
 * Redis version, its modules) and sends the first key alone, so an incompatible dump writes
 * nothing. A Keepsake dump's trailer must be there (else it was cut short) and its counts must
 * match what was restored. Dumps of other tools (plain RESP commands) are replayed as they are.
 */
public final class RedisLoader {
  /**
   * @param database only this database of the dump, or null for all
   */
  public record Options(
      RedisEndpoint endpoint, Integer database, String keyPattern, boolean allowMissingModules) {
    boolean everything() {
      return database == null && everyKey();
    }

    boolean everyKey() {
      return keyPattern == null || keyPattern.equals("*");
    }
  }

  /**
   * What the restore did. {@code keys} counts distinct keys where the dump's trailer vouches for
   * them (a dump may hold a key twice when it was written to during the backup), else the RESTOREs
   * applied.
   */
  public record Result(Map<Integer, Long> keysByDatabase, long keys, String summary) {}

  private static final int IN_FLIGHT = 20_000;
  private final Options options;
  private final Pattern keys;

  private RedisLoader(Options options) {
    this.options = options;
    this.keys =
        Pattern.compile(
            KeyPattern.toRegex(options.everyKey() ? "*" : options.keyPattern()), Pattern.DOTALL);
  }

  public static Result load(Options options, InputStream input)
      throws IOException, InterruptedException {
    return new RedisLoader(options).run(input);
  }

  /** The outcome of one command sent, for the reply reader to check. */
  private record Sent(int database, byte[] key, boolean restore, long expiry) {}

  private static final Sent END = new Sent(-1, null, false, 0);

  private Result run(InputStream input) throws IOException, InterruptedException {
    DumpReader dump = new DumpReader(input);
    try (RespConnection redis = connect()) {
      ServerInfo target = ServerInfo.read(redis);
      long clockOffset = clockOffset(redis);
      JsonObject header = null;
      JsonObject trailer = null;
      int database = 0;
      boolean probed = false;
      Replies replies = null;
      DumpReader.Command command;
      while ((command = dump.next()) != null && (replies == null || !replies.stopped())) {
        if (command.name().equals("ECHO") && command.count() == 2) {
          Optional<JsonObject> start = DumpFormat.marker(DumpFormat.HEADER, command.head().get(1));
          Optional<JsonObject> end = DumpFormat.marker(DumpFormat.TRAILER, command.head().get(1));
          if (start.isPresent()) {
            header = start.get();
            checkCompatible(header, target, redis);
            continue;
          }
          if (end.isPresent()) {
            trailer = end.get();
            continue;
          }
        }
        boolean select = command.name().equals("SELECT") && command.count() == 2;
        if (select) {
          database = parseDatabase(command);
        }
        boolean wanted = options.database() == null || options.database() == database;
        if (!wanted || (!select && !keyWanted(command))) {
          dump.skip();
          continue;
        }
        boolean restore = command.name().equals("RESTORE") && command.count() >= 4;
        long expiry = restore ? parseExpiry(command) : 0;
        Sent sent = new Sent(database, select ? null : command.key(), restore, expiry);
        if (!probed) {
          // Until one command went through, each is sent alone: a dump Redis cannot read fails on
          // its first key, before anything was written.
          dump.forward(command, redis.output());
          redis.commandStarted();
          redis.flush();
          RespConnection.Reply reply = redis.read();
          if (reply.isError()) {
            throw failedAt(sent, reply.text(), header, target, 0);
          }
          probed = !select;
          if (probed) {
            replies = new Replies(redis, clockOffset);
            replies.count(sent);
            replies.start();
          }
          continue;
        }
        DumpReader.Command pipelined = command;
        replies.send(
            sent,
            () -> {
              dump.forward(pipelined, redis.output());
              redis.commandStarted();
            },
            () -> !dump.moreBuffered());
      }
      if (replies != null) {
        replies.finish();
        if (replies.failure != null) {
          throw failedAt(replies.failure, replies.failureText, header, target, replies.total());
        }
      }
      return result(replies, header, trailer);
    }
  }

  private RespConnection connect() throws IOException {
    try {
      return options.endpoint().connect();
    } catch (RedisException e) {
      throw new RedisException(e.getMessage() + "; nothing was written");
    }
  }

  private boolean keyWanted(DumpReader.Command command) {
    byte[] key = command.key();
    return options.everyKey()
        || (key != null && keys.matcher(new String(key, StandardCharsets.ISO_8859_1)).matches());
  }

  private static int parseDatabase(DumpReader.Command command) throws DumpReader.MalformedDump {
    try {
      return Integer.parseInt(command.argument(1));
    } catch (NumberFormatException e) {
      throw new DumpReader.MalformedDump(
          "SELECT of '" + command.argument(1) + "', which is not a database number");
    }
  }

  private static long parseExpiry(DumpReader.Command command) throws DumpReader.MalformedDump {
    try {
      return Long.parseLong(command.argument(2));
    } catch (NumberFormatException e) {
      throw new DumpReader.MalformedDump(
          "RESTORE of '"
              + DumpFormat.printable(command.key())
              + "' with the expiry '"
              + command.argument(2)
              + "', which is not a number");
    }
  }

  /**
   * Redis' clock minus this machine's, so that expiries are judged by the server that enforces
   * them.
   */
  private static long clockOffset(RespConnection redis) throws IOException {
    RespConnection.Reply time = redis.call("TIME");
    if (time.isError() || time.array() == null) {
      return 0;
    }
    long redisMillis =
        Long.parseLong(time.array().get(0).asText()) * 1000
            + Long.parseLong(time.array().get(1).asText()) / 1000;
    return redisMillis - System.currentTimeMillis();
  }

  /** Refuses, before anything is written, a dump that this server cannot read. */
  private void checkCompatible(JsonObject header, ServerInfo target, RespConnection redis)
      throws IOException {
    String source =
        header.has("redisVersion") ? header.get("redisVersion").getAsString() : "unknown";
    OptionalInt sourceRdb = RedisVersions.rdbVersion(source);
    OptionalInt targetRdb = RedisVersions.rdbVersion(target.version());
    if (sourceRdb.isPresent()
        && targetRdb.isPresent()
        && sourceRdb.getAsInt() > targetRdb.getAsInt()) {
      throw new RedisException(
          "the dump comes from Redis "
              + source
              + ", whose DUMP format (RDB "
              + sourceRdb.getAsInt()
              + ") Redis "
              + target.version()
              + " (RDB "
              + targetRdb.getAsInt()
              + ") cannot read; restore into Redis "
              + RedisVersions.oldestReading(sourceRdb.getAsInt())
              + " or newer. Nothing was written");
    }
    if (header.has("modules") && !options.allowMissingModules()) {
      Set<String> needed = new TreeSet<>();
      header.getAsJsonArray("modules").forEach(module -> needed.add(module.getAsString()));
      Optional<com.google.gson.JsonArray> loaded = RedisDumper.modules(redis);
      if (!needed.isEmpty() && loaded.isPresent()) {
        Set<String> have = new TreeSet<>();
        loaded.get().forEach(module -> have.add(module.getAsString()));
        needed.removeAll(have);
        if (!needed.isEmpty()) {
          throw new RedisException(
              "the dump comes from a Redis with the modules "
                  + needed
                  + " loaded, which Redis "
                  + target.version()
                  + " at "
                  + redis.where()
                  + " has not: keys of their types could not be restored. Load them"
                  + " first, or restore with --allow-missing-modules to restore every other key. Nothing was written");
        }
      }
    }
    Log.info(
        "restoring a dump of Redis %s (started %s) into Redis %s at %s",
        source,
        header.has("startedAt") ? header.get("startedAt").getAsString() : "at an unknown time",
        target.version(),
        redis.where());
  }

  private static RedisException failedAt(
      Sent sent, String error, JsonObject header, ServerInfo target, long restoredBefore) {
    String what =
        sent.key() == null
            ? "a command of database " + sent.database()
            : "key '" + DumpFormat.printable(sent.key()) + "' of database " + sent.database();
    String hint =
        error.contains("payload version or checksum are wrong")
            ? " (the dump comes from Redis "
                + (header != null && header.has("redisVersion")
                    ? header.get("redisVersion").getAsString()
                    : "of an unknown version")
                + ", whose DUMP format Redis "
                + target.version()
                + " cannot read: restore into the same "
                + "version or a newer one)"
            : "";
    return new RedisException(
        "Redis refused "
            + what
            + ": "
            + error
            + hint
            + "; "
            + (restoredBefore == 0
                ? "nothing was written"
                : String.format(
                    Locale.ROOT,
                    "%,d commands had been applied before it, the rest of the dump was not",
                    restoredBefore)));
  }

  private Result result(Replies replies, JsonObject header, JsonObject trailer) {
    Map<Integer, Long> restored = replies == null ? Map.of() : replies.restored;
    long others = replies == null ? 0 : replies.others;
    long expired = replies == null ? 0 : replies.expired;
    long total = restored.values().stream().mapToLong(Long::longValue).sum();
    if (header != null && trailer == null) {
      throw new RedisException(
          String.format(
              Locale.ROOT,
              "the dump ends before its trailer: it was cut short. %,d keys were "
                  + "restored from it; the rest of the backup is not in this snapshot",
              total));
    }
    if (trailer == null) {
      return new Result(
          restored,
          total,
          String.format(
              Locale.ROOT,
              "replayed %,d commands of a dump without Keepsake's counts",
              total + others));
    }
    DumpFormat.Counts counts = DumpFormat.countsFrom(trailer);
    Long expected = null;
    if (options.everyKey()) {
      expected =
          options.database() == null
              ? counts.totalCommands()
              : counts.commands().getOrDefault(options.database(), 0L);
      if (total != expected) {
        throw new RedisException(
            String.format(
                Locale.ROOT,
                "restored %,d keys, but the dump holds %,d%s",
                total,
                expected,
                options.database() == null ? "" : " in database " + options.database()));
      }
    }
    String expiredNote =
        expired == 0
            ? ""
            : String.format(
                Locale.ROOT,
                " (%,d of them had expired since the backup, so Redis" + " dropped them)",
                expired);
    Map<Integer, Long> keysByDatabase = expected == null ? restored : new TreeMap<>(counts.keys());
    if (expected != null && options.database() != null) {
      keysByDatabase.keySet().retainAll(Set.of(options.database()));
    }
    long keys = keysByDatabase.values().stream().mapToLong(Long::longValue).sum();
    String summary =
        expected != null
            ? String.format(
                Locale.ROOT,
                "restored %,d keys%s%s, as many as the backup counted",
                keys,
                options.database() == null ? "" : " of database " + options.database(),
                expiredNote)
            : String.format(
                Locale.ROOT,
                "restored %,d keys matching %s%s (the backup holds %,d keys in all)",
                total,
                options.keyPattern(),
                expiredNote,
                counts.totalKeys());
    return new Result(keysByDatabase, keys, summary);
  }

  /**
   * Reads the replies of pipelined commands on a thread of its own, in the order they were sent.
   */
  private static final class Replies extends Thread {
    private final RespConnection redis;
    private final long clockOffset;
    private final BlockingQueue<Sent> pending = new ArrayBlockingQueue<>(IN_FLIGHT);
    final Map<Integer, Long> restored = new TreeMap<>();
    long others;
    long expired;
    volatile Sent failure;
    volatile String failureText;
    private volatile IOException broken;

    Replies(RespConnection redis, long clockOffset) {
      super("redis-replies");
      setDaemon(true);
      this.redis = redis;
      this.clockOffset = clockOffset;
    }

    interface Write {
      void run() throws IOException;
    }

    interface Condition {
      boolean test() throws IOException;
    }

    void send(Sent sent, Write write, Condition flushNow) throws IOException, InterruptedException {
      if (failure != null || broken != null) {
        return; // stop writing after the first refusal; finish() reports it
      }
      write.run();
      if (!pending.offer(sent)) {
        redis.flush(); // the replies the reader waits for may still sit in the buffer
        pending.put(sent);
      }
      if (flushNow.test()) {
        redis.flush();
      }
    }

    boolean stopped() {
      return failure != null || broken != null;
    }

    synchronized void count(Sent sent) {
      if (sent.restore()) {
        restored.merge(sent.database(), 1L, Long::sum);
        if (sent.expiry() > 0 && sent.expiry() < System.currentTimeMillis() + clockOffset) {
          expired++;
        }
      } else if (sent.key() != null) {
        others++;
      }
    }

    synchronized long total() {
      return restored.values().stream().mapToLong(Long::longValue).sum() + others;
    }

    @Override
    public void run() {
      try {
        for (Sent sent = pending.take(); sent != END; sent = pending.take()) {
          RespConnection.Reply reply = redis.read();
          if (reply.isError()) {
            if (failure == null) {
              failureText = reply.text();
              failure = sent;
            }
          } else if (failure == null) {
            count(sent);
          }
        }
      } catch (IOException e) {
        broken = e;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }

    void finish() throws IOException, InterruptedException {
      redis.flush();
      pending.put(END);
      join();
      if (broken != null) {
        throw broken;
      }
    }
  }
}
