package dev.spaceone.store;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

/**
 * Rows in COPY's binary format (PostgreSQL docs, "COPY ... Binary Format"): each field is its length and its bytes,
 * so the server copies text as it is instead of scanning it for escapes and delimiters as the text format makes it.
 */
final class BinaryCopy {
  private static final byte[] SIGNATURE = "PGCOPY\n\377\r\n\0".getBytes(StandardCharsets.ISO_8859_1);
  private static final int BYTEA_OID = 17;

  private byte[] buf;
  private int size;

  BinaryCopy(int expectedBytes) {
    buf = new byte[Math.max(64, expectedBytes)];
    put(SIGNATURE);
    putInt(0); // flags: no OIDs
    putInt(0); // no header extension
  }

  BinaryCopy row(int fields) {
    putShort(fields);
    return this;
  }

  BinaryCopy int4(int value) {
    putInt(4);
    putInt(value);
    return this;
  }

  BinaryCopy bool(boolean value) {
    putInt(1);
    room(1);
    buf[size++] = (byte) (value ? 1 : 0);
    return this;
  }

  /** A text field (null: SQL NULL). */
  BinaryCopy text(String value) {
    return bytes(value == null ? null : value.getBytes(StandardCharsets.UTF_8));
  }

  /** A text field already in UTF-8, or a bytea (null: SQL NULL). */
  BinaryCopy bytes(byte[] value) {
    if (value == null) {
      putInt(-1);
      return this;
    }
    putInt(value.length);
    put(value);
    return this;
  }

  /** A one-dimensional bytea[] without nulls. */
  BinaryCopy byteaArray(List<byte[]> values) {
    int length = 20;
    for (byte[] v : values) {
      length += 4 + v.length;
    }
    putInt(length);
    putInt(1); // dimensions
    putInt(0); // no nulls
    putInt(BYTEA_OID);
    putInt(values.size());
    putInt(1); // lower bound
    for (byte[] v : values) {
      putInt(v.length);
      put(v);
    }
    return this;
  }

  /** The whole COPY input, trailer included. */
  byte[] finish() {
    putShort(-1);
    return Arrays.copyOf(buf, size);
  }

  private void room(int more) {
    if (size + more > buf.length) {
      buf = Arrays.copyOf(buf, Math.max(buf.length * 2, size + more));
    }
  }

  private void put(byte[] value) {
    room(value.length);
    System.arraycopy(value, 0, buf, size, value.length);
    size += value.length;
  }

  private void putShort(int value) {
    room(2);
    buf[size++] = (byte) (value >>> 8);
    buf[size++] = (byte) value;
  }

  private void putInt(int value) {
    room(4);
    buf[size++] = (byte) (value >>> 24);
    buf[size++] = (byte) (value >>> 16);
    buf[size++] = (byte) (value >>> 8);
    buf[size++] = (byte) value;
  }
}
