package dev.keepsake.testing;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Pipeline;
import redis.clients.jedis.Protocol;
import redis.clients.jedis.Response;
import redis.clients.jedis.StreamEntryID;
import redis.clients.jedis.params.ScanParams;
import redis.clients.jedis.params.XReadGroupParams;
import redis.clients.jedis.resps.ScanResult;
import redis.clients.jedis.resps.Tuple;

/**
 * A realistic Redis data set: every common data type (strings, including HyperLogLogs and bitmaps;
 * hashes, lists, sets, sorted sets; streams with consumer groups and pending entries), TTLs, binary
 * keys and values, a large value and a large hash, in two databases; and a readback that compares
 * by content.
 */
final class RedisDataSet {
  static final int KEYS_DB0 = 101_000;
  static final int KEYS_DB2 = 1_000;

  /**
   * One key's content in a form that compares by value: type, canonical value, whether it expires.
   */
  record Entry(String type, Object value, long ttlSeconds) {}

  private RedisDataSet() {}

  static Jedis connect(RedisServer redis, int db) {
    Jedis jedis = new Jedis(redis.host(), redis.port(), 30_000);
    if (redis.password() != null) {
      jedis.auth(redis.password());
    }
    jedis.select(db);
    return jedis;
  }

  /** SET of one string key in database 0. */
  static void set(RedisServer redis, String key, String value) {
    try (Jedis jedis = connect(redis, 0)) {
      jedis.set(key, value);
    }
  }

  /** GET of one string key in database 0. */
  static String get(RedisServer redis, String key) {
    try (Jedis jedis = connect(redis, 0)) {
      return jedis.get(key);
    }
  }

  /** FLUSHALL: every database emptied. */
  static void flushAll(RedisServer redis) {
    try (Jedis jedis = connect(redis, 0)) {
      jedis.flushAll();
    }
  }

  static void seed(RedisServer redis) {
    Random random = new Random(42);
    try (Jedis jedis = connect(redis, 0)) {
      Pipeline p = jedis.pipelined();
      for (int i = 0; i < 60_000; i++) {
        p.set(
            ("user:" + i).getBytes(StandardCharsets.UTF_8),
            bytes(random, 20 + random.nextInt(200)));
        if (i % 12 == 0) {
          p.expire("user:" + i, 3600 + i % 600);
        }
      }
      for (int i = 0; i < 10_000; i++) {
        p.hset(
            "cart:" + i,
            Map.of(
                "item",
                "sku-" + i,
                "qty",
                Integer.toString(i % 7),
                "price",
                "19.99",
                "note",
                "ü – ✓"));
        p.rpush("queue:" + i, "job-a-" + i, "job-b", "job-c", "", "job-e");
        p.sadd("tags:" + i, "red", "green", "blue-" + i % 13);
        p.zadd(
            "rank:" + i,
            Map.of("alice", -1.5, "bob", 0.0, "carol", 3.141592653589793, "dave", 1e12 + i));
        if (i % 50 == 0) {
          p.pexpire("cart:" + i, 7_200_000);
        }
      }
      for (int i = 0; i < 900; i++) {
        byte[] key = bytes(random, 8 + random.nextInt(24));
        key[0] = (byte) 0xff; // never collides with the text keys above
        key[1] = (byte) i;
        key[2] = (byte) (i >> 8);
        p.set(key, bytes(random, 64));
      }
      for (int i = 0; i < 50; i++) {
        p.pfadd("visitors:" + i, "a" + i, "b", "c", "d" + i * 3);
        p.setbit("online:" + i, i * 37L, true);
      }
      p.sync();
      jedis.set("blob:large".getBytes(StandardCharsets.UTF_8), bytes(random, 1 << 20));
      Map<String, String> wide = new HashMap<>();
      for (int i = 0; i < 5_000; i++) {
        wide.put("field-" + i, "value-" + i);
      }
      jedis.hset("hash:wide", wide);
      for (int i = 0; i < 50; i++) {
        for (int e = 0; e < 20; e++) {
          jedis.xadd(
              "stream:" + i,
              StreamEntryID.NEW_ENTRY,
              Map.of("event", "e" + e, "n", Integer.toString(i)));
        }
        jedis.xgroupCreate("stream:" + i, "workers", new StreamEntryID(), false);
        jedis.xreadGroup(
            "workers",
            "w" + i % 4,
            XReadGroupParams.xReadGroupParams().count(3),
            Map.of("stream:" + i, StreamEntryID.UNRECEIVED_ENTRY));
      }
    }
    try (Jedis jedis = connect(redis, 2)) {
      Pipeline p = jedis.pipelined();
      for (int i = 0; i < KEYS_DB2; i++) {
        p.set("session:" + i, "token-" + i);
      }
      p.sync();
    }
  }

  private static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.US_ASCII);
  }

  private static byte[] bytes(Random random, int length) {
    byte[] bytes = new byte[length];
    random.nextBytes(bytes);
    return bytes;
  }

  /** Everything in one database, keyed by the key's bytes. */
  static Map<ByteBuffer, Entry> read(RedisServer redis, int db) {
    Map<ByteBuffer, Entry> entries = new LinkedHashMap<>();
    try (Jedis jedis = connect(redis, db)) {
      byte[] cursor = ScanParams.SCAN_POINTER_START_BINARY;
      List<byte[]> keys = new ArrayList<>();
      do {
        ScanResult<byte[]> page = jedis.scan(cursor, new ScanParams().count(5_000));
        keys.addAll(page.getResult());
        cursor = page.getCursorAsBytes();
      } while (!java.util.Arrays.equals(cursor, ScanParams.SCAN_POINTER_START_BINARY));
      for (int from = 0; from < keys.size(); from += 5_000) {
        List<byte[]> batch = keys.subList(from, Math.min(keys.size(), from + 5_000));
        Pipeline p = jedis.pipelined();
        List<Response<String>> types = batch.stream().map(p::type).toList();
        List<Response<Long>> ttls = batch.stream().map(p::ttl).toList();
        p.sync();
        Pipeline values = jedis.pipelined();
        List<Response<?>> contents = new ArrayList<>();
        List<Response<?>> groups = new ArrayList<>();
        for (int i = 0; i < batch.size(); i++) {
          byte[] key = batch.get(i);
          contents.add(
              switch (types.get(i).get()) {
                case "string" -> values.get(key);
                case "list" -> values.lrange(key, 0, -1);
                case "set" -> values.smembers(key);
                case "hash" -> values.hgetAll(key);
                case "zset" -> values.zrangeWithScores(key, 0, -1);
                case "stream" ->
                    values.sendCommand(Protocol.Command.XRANGE, key, bytes("-"), bytes("+"));
                default -> throw new IllegalStateException("unexpected type " + types.get(i).get());
              });
          groups.add(
              types.get(i).get().equals("stream")
                  ? values.sendCommand(Protocol.Command.XINFO, bytes("GROUPS"), key)
                  : null);
        }
        values.sync();
        for (int i = 0; i < batch.size(); i++) {
          entries.put(
              ByteBuffer.wrap(batch.get(i)),
              new Entry(
                  types.get(i).get(),
                  groups.get(i) == null
                      ? canonical(contents.get(i).get())
                      : List.of(canonical(contents.get(i).get()), canonical(groups.get(i).get())),
                  ttls.get(i).get()));
        }
      }
    }
    return entries;
  }

  /** Values as comparable objects: byte arrays as buffers, collections by content. */
  private static Object canonical(Object value) {
    if (value instanceof byte[] bytes) {
      return ByteBuffer.wrap(bytes);
    }
    if (value instanceof List<?> list) {
      return list.stream().map(RedisDataSet::canonical).toList();
    }
    if (value instanceof Set<?> set) {
      Set<Object> copy = new HashSet<>();
      set.forEach(v -> copy.add(canonical(v)));
      return copy;
    }
    if (value instanceof Map<?, ?> map) {
      Map<Object, Object> copy = new HashMap<>();
      map.forEach((k, v) -> copy.put(canonical(k), canonical(v)));
      return copy;
    }
    if (value instanceof Tuple tuple) {
      return List.of(ByteBuffer.wrap(tuple.getBinaryElement()), tuple.getScore());
    }
    return value;
  }
}
