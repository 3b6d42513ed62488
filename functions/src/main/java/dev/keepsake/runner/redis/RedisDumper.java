package dev.keepsake.runner.redis;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Dumps Redis key by key with DUMP and PTTL through SCAN, pipelined a batch at a time, into {@link
 * DumpFormat}: every type (streams with their consumer groups, module types) in Redis' own
 * serialization, with its expiry. A key Redis will not DUMP stops the dump with the key's name; a
 * dump that holds fewer keys than Redis counted, beyond what concurrent writes explain, fails too.
 */
public final class RedisDumper {
  /**
   * @param database one database, or -1 for every database that holds keys
   */
  public record Options(RedisEndpoint endpoint, int database, String keyPattern, int batch) {
    public Options {
      if (batch < 1 || batch > 100_000) {
        throw new IllegalArgumentException(
            "the batch size must be between 1 and 100000, not " + batch);
      }
      if (database < -1) {
        throw new IllegalArgumentException(
            "the database must be a number from 0, or -1 for all, not " + database);
      }
    }

    boolean everyKey() {
      return keyPattern == null || keyPattern.equals("*");
    }
  }

  /** What the dump holds, and whether its key counts could be checked against Redis' own. */
  public record Result(
      String redisVersion, DumpFormat.Counts counts, long vanished, String completeness) {}

  private final Options options;
  private final OutputStream out;

  private RedisDumper(Options options, OutputStream out) {
    this.options = options;
    this.out = out;
  }

  public static Result dump(Options options, OutputStream out) throws IOException {
    return new RedisDumper(options, out).run();
  }

  private Result run() throws IOException {
    try (RespConnection redis = options.endpoint().connect()) {
      ServerInfo before = ServerInfo.read(redis);
      long ownCommandsBefore = redis.commandsSent();
      List<Integer> databases =
          options.database() >= 0 ? List.of(options.database()) : before.databasesWithKeys();
      RespConnection.writeCommand(
          out,
          DumpFormat.ECHO,
          DumpFormat.echo(DumpFormat.HEADER, header(redis, before, databases)));

      Map<Integer, Long> keys = new TreeMap<>();
      Map<Integer, Long> commands = new TreeMap<>();
      Map<Integer, Long> vanished = new TreeMap<>();
      int[] rdbVersion = {0};
      for (int database : databases) {
        DatabaseDump one = dumpDatabase(redis, database, rdbVersion);
        keys.put(database, one.keys);
        commands.put(database, one.commands);
        vanished.put(database, one.vanished);
      }
      ServerInfo after = ServerInfo.read(redis);
      DumpFormat.Counts counts = new DumpFormat.Counts(keys, commands, rdbVersion[0]);
      String completeness =
          checkComplete(before, after, redis.commandsSent() - ownCommandsBefore, counts, vanished);
      RespConnection.writeCommand(
          out,
          DumpFormat.ECHO,
          DumpFormat.echo(DumpFormat.TRAILER, DumpFormat.trailerBody(counts)));
      out.flush();
      return new Result(
          before.version(),
          counts,
          vanished.values().stream().mapToLong(Long::longValue).sum(),
          completeness);
    }
  }

  private JsonObject header(RespConnection redis, ServerInfo info, List<Integer> databases)
      throws IOException {
    JsonObject header = new JsonObject();
    header.addProperty("redisVersion", info.version());
    header.addProperty("startedAt", Instant.now().toString());
    header.addProperty("keyPattern", options.everyKey() ? "*" : options.keyPattern());
    JsonArray selected = new JsonArray();
    databases.forEach(selected::add);
    header.add("databases", selected);
    modules(redis).ifPresent(modules -> header.add("modules", modules));
    return header;
  }

  /**
   * The loaded modules, whose types a restore target must know too; empty when this user may not
   * ask.
   */
  static Optional<JsonArray> modules(RespConnection redis) throws IOException {
    RespConnection.Reply reply = redis.call("MODULE", "LIST");
    if (reply.isError() || reply.array() == null) {
      return Optional.empty();
    }
    JsonArray modules = new JsonArray();
    for (RespConnection.Reply module : reply.array()) {
      List<RespConnection.Reply> fields = module.array() == null ? List.of() : module.array();
      for (int i = 0; i + 1 < fields.size(); i += 2) {
        if ("name".equals(fields.get(i).asText())) {
          modules.add(fields.get(i + 1).asText());
        }
      }
    }
    return Optional.of(modules);
  }

  private static final class DatabaseDump {
    long keys;
    long commands;
    long vanished;
  }

  private DatabaseDump dumpDatabase(RespConnection redis, int database, int[] rdbVersion)
      throws IOException {
    RespConnection.Reply selected = redis.call("SELECT", Integer.toString(database));
    if (selected.isError()) {
      throw new RedisException(
          "cannot select database " + database + " on " + redis.where() + ": " + selected.text());
    }
    RespConnection.writeCommand(
        out, DumpFormat.SELECT, Integer.toString(database).getBytes(StandardCharsets.US_ASCII));
    DatabaseDump dump = new DatabaseDump();
    KeyHashes seen = new KeyHashes();
    sendScan(redis, "0");
    redis.flush();
    ScanPage page = readScan(redis, database);
    while (true) {
      List<byte[]> batch = page.keys();
      if (!batch.isEmpty()) {
        redis.send("TIME");
        for (byte[] key : batch) {
          redis.send("PTTL".getBytes(StandardCharsets.US_ASCII), key);
          redis.send("DUMP".getBytes(StandardCharsets.US_ASCII), key);
        }
      }
      boolean more = !page.cursor().equals("0");
      if (more) {
        sendScan(redis, page.cursor());
      }
      redis.flush();
      if (!batch.isEmpty()) {
        writeBatch(redis, database, batch, seen, dump, rdbVersion);
      }
      if (!more) {
        break;
      }
      page = readScan(redis, database);
    }
    dump.keys = seen.size();
    return dump;
  }

  private void sendScan(RespConnection redis, String cursor) throws IOException {
    redis.send(
        "SCAN",
        cursor,
        "MATCH",
        options.everyKey() ? "*" : options.keyPattern(),
        "COUNT",
        Integer.toString(options.batch()));
  }

  private record ScanPage(String cursor, List<byte[]> keys) {}

  private static ScanPage readScan(RespConnection redis, int database) throws IOException {
    RespConnection.Reply reply = redis.read();
    if (reply.isError()) {
      throw new RedisException(
          "SCAN of database " + database + " failed on " + redis.where() + ": " + reply.text());
    }
    List<RespConnection.Reply> parts = reply.array();
    List<byte[]> keys = new ArrayList<>();
    parts.get(1).array().forEach(key -> keys.add(key.bulk()));
    return new ScanPage(parts.get(0).asText(), keys);
  }

  private void writeBatch(
      RespConnection redis,
      int database,
      List<byte[]> batch,
      KeyHashes seen,
      DatabaseDump dump,
      int[] rdbVersion)
      throws IOException {
    RespConnection.Reply time = redis.read();
    if (time.isError()) {
      throw new RedisException("TIME failed on " + redis.where() + ": " + time.text());
    }
    long nowMillis =
        Long.parseLong(time.array().get(0).asText()) * 1000
            + Long.parseLong(time.array().get(1).asText()) / 1000;
    for (byte[] key : batch) {
      RespConnection.Reply ttl = redis.read();
      if (ttl.isError()) {
        throw unreadable(redis, database, key, "PTTL", ttl.text());
      }
      long length;
      try {
        length = redis.readBulkLength();
      } catch (RespConnection.ErrorReply refused) {
        throw unreadable(redis, database, key, "DUMP", refused.getMessage());
      }
      if (length < 0) {
        dump.vanished++; // deleted or expired between SCAN and DUMP
        continue;
      }
      // -2: the key was gone at PTTL and back by DUMP (written meanwhile); it has no expiry then.
      long expiry = ttl.integer() > 0 ? nowMillis + ttl.integer() : 0;
      byte[] expiryText = Long.toString(expiry).getBytes(StandardCharsets.US_ASCII);
      RespConnection.writeArrayHeader(out, 6);
      RespConnection.writeBulk(out, DumpFormat.RESTORE);
      RespConnection.writeBulk(out, key);
      RespConnection.writeBulk(out, expiryText);
      RespConnection.writeBulkHeader(out, length);
      PayloadTail tail = new PayloadTail(out);
      redis.copyBulk(length, tail);
      out.write('\r');
      out.write('\n');
      RespConnection.writeBulk(out, DumpFormat.REPLACE);
      RespConnection.writeBulk(out, DumpFormat.ABSTTL);
      rdbVersion[0] = Math.max(rdbVersion[0], tail.rdbVersion());
      dump.commands++;
      seen.add(key);
    }
  }

  private static RedisException unreadable(
      RespConnection redis, int database, byte[] key, String command, String error) {
    return new RedisException(
        "cannot read key '"
            + DumpFormat.printable(key)
            + "' of database "
            + database
            + " on "
            + redis.where()
            + ": "
            + command
            + " answered "
            + error
            + "; the dump stopped and no snapshot is written");
  }

  /** Null when the counts agree or cannot be checked; throws when keys are missing. */
  private String checkComplete(
      ServerInfo before,
      ServerInfo after,
      long ownCommands,
      DumpFormat.Counts counts,
      Map<Integer, Long> vanished) {
    if (!options.everyKey()) {
      return "not compared with Redis' key counts: Redis does not count the keys matching "
          + options.keyPattern();
    }
    List<KeyCountCheck.DatabaseCount> figures = new ArrayList<>();
    counts
        .keys()
        .forEach(
            (db, dumped) ->
                figures.add(
                    new KeyCountCheck.DatabaseCount(
                        db,
                        before.keys(db),
                        after.keys(db),
                        dumped,
                        vanished.getOrDefault(db, 0L))));
    long changes = KeyCountCheck.changesDuring(before, after, ownCommands);
    Optional<String> shortfall = KeyCountCheck.shortfall(figures, changes);
    if (shortfall.isPresent()) {
      throw new IncompleteDump(shortfall.get());
    }
    long expected = figures.stream().mapToLong(KeyCountCheck.DatabaseCount::before).sum();
    return String.format(
        Locale.ROOT,
        "every key Redis counted is in the dump (%,d dumped, %,d counted when it began; %,d"
            + " writes, expirations or evictions while it ran)",
        counts.totalKeys(),
        expected,
        changes);
  }

  /** The dump holds fewer keys than Redis does, beyond what writes during the dump can explain. */
  public static final class IncompleteDump extends RuntimeException {
    IncompleteDump(String message) {
      super(message);
    }
  }

  /** Passes a payload on and keeps its last ten bytes: the RDB version and the CRC64. */
  private static final class PayloadTail extends OutputStream {
    private final OutputStream out;
    private final byte[] last = new byte[10];
    private long written;

    PayloadTail(OutputStream out) {
      this.out = out;
    }

    @Override
    public void write(int b) throws IOException {
      out.write(b);
      keep(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] bytes, int offset, int length) throws IOException {
      out.write(bytes, offset, length);
      keep(bytes, offset, length);
    }

    private void keep(byte[] bytes, int offset, int length) {
      for (int i = Math.max(offset, offset + length - last.length); i < offset + length; i++) {
        last[(int) ((written + (i - offset)) % last.length)] = bytes[i];
      }
      written += length;
    }

    int rdbVersion() {
      if (written < last.length) {
        return 0;
      }
      int start = (int) (written % last.length);
      byte[] ordered = new byte[last.length];
      for (int i = 0; i < last.length; i++) {
        ordered[i] = last[(start + i) % last.length];
      }
      return DumpFormat.rdbVersion(ordered);
    }
  }
}
