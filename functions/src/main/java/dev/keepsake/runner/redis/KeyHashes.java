package dev.keepsake.runner.redis;

/**
 * The 64-bit hashes of the keys seen so far, in an open-addressing table of longs: SCAN may return
 * a key twice while Redis resizes a database, and the count must not. About 13 bytes per key.
 */
final class KeyHashes {
  private static final long EMPTY = 0;
  private long[] slots = new long[1 << 12];
  private int size;

  /** True when this key had not been seen. */
  boolean add(byte[] key) {
    long hash = hash(key);
    if (size * 10L >= slots.length * 6L) {
      grow();
    }
    if (!insert(slots, hash)) {
      return false;
    }
    size++;
    return true;
  }

  int size() {
    return size;
  }

  private static boolean insert(long[] table, long hash) {
    int mask = table.length - 1;
    for (int i = (int) (hash ^ (hash >>> 32)) & mask; ; i = (i + 1) & mask) {
      if (table[i] == EMPTY) {
        table[i] = hash;
        return true;
      }
      if (table[i] == hash) {
        return false;
      }
    }
  }

  private void grow() {
    long[] grown = new long[slots.length * 2];
    for (long hash : slots) {
      if (hash != EMPTY) {
        insert(grown, hash);
      }
    }
    slots = grown;
  }

  /** FNV-1a with a final avalanche; never 0, which marks an empty slot. */
  static long hash(byte[] key) {
    long h = 0xcbf29ce484222325L;
    for (byte b : key) {
      h = (h ^ (b & 0xff)) * 0x100000001b3L;
    }
    h ^= h >>> 33;
    h *= 0xff51afd7ed558ccdL;
    h ^= h >>> 33;
    h *= 0xc4ceb9fe1a85ec53L;
    h ^= h >>> 33;
    return h == EMPTY ? 1 : h;
  }
}
