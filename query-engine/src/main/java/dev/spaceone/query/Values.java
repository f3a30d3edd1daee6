package dev.spaceone.query;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Equality, hashing and ordering of record values with MongoDB's rules, which SpaceONE inherits:
 * numbers compare by value whatever their Java type, and values of different types order by type
 * (missing &lt; null &lt; numbers &lt; strings &lt; objects &lt; lists &lt; booleans).
 */
final class Values {
  /** A key absent from a record; distinct from a present JSON null. */
  static final Object MISSING =
      new Object() {
        @Override
        public String toString() {
          return "<missing>";
        }
      };

  private Values() {}

  static boolean isIntegral(Object v) {
    return v instanceof Integer || v instanceof Long || v instanceof Short || v instanceof Byte;
  }

  /**
   * A representative that is {@code equals}/{@code hashCode}-compatible with value equality: 1,
   * 1L and 1.0 become the same Long. Strings, booleans and null come back as they are, so the
   * common case allocates nothing.
   */
  static Object normalize(Object v) {
    if (v instanceof Number n) {
      if (isIntegral(n)) {
        return n instanceof Long ? n : Long.valueOf(n.longValue());
      }
      if (n instanceof BigInteger big && big.bitLength() < 64) {
        return big.longValue();
      }
      double d = n.doubleValue();
      if (d == Math.rint(d) && !Double.isInfinite(d) && Math.abs(d) < 0x1p63) {
        return (long) d;
      }
      return d;
    }
    if (v instanceof List<?> list) {
      List<Object> out = new ArrayList<>(list.size());
      for (Object e : list) {
        out.add(normalize(e));
      }
      return out;
    }
    if (v instanceof Map<?, ?> map) {
      Map<Object, Object> out = new LinkedHashMap<>();
      map.forEach((k, e) -> out.put(k, normalize(e)));
      return out;
    }
    return v;
  }

  static int rank(Object v) {
    if (v == MISSING) {
      return 0;
    }
    if (v == null) {
      return 1;
    }
    if (v instanceof Number) {
      return 2;
    }
    if (v instanceof String) {
      return 3;
    }
    if (v instanceof Map) {
      return 4;
    }
    if (v instanceof List) {
      return 5;
    }
    if (v instanceof Boolean) {
      return 6;
    }
    return 7;
  }

  /** Total order over all values (used by sort, min/max, distinct and group ordering). */
  static int compare(Object a, Object b) {
    int ra = rank(a);
    int rb = rank(b);
    if (ra != rb) {
      return Integer.compare(ra, rb);
    }
    return switch (ra) {
      case 0, 1 -> 0;
      case 2 -> compareNumbers((Number) a, (Number) b);
      case 3 -> ((String) a).compareTo((String) b);
      case 4 -> compareMaps((Map<?, ?>) a, (Map<?, ?>) b);
      case 5 -> compareLists((List<?>) a, (List<?>) b);
      case 6 -> Boolean.compare((Boolean) a, (Boolean) b);
      default -> a.toString().compareTo(b.toString());
    };
  }

  /** Whether a and b are comparable for the filter operators lt/lte/gt/gte (Mongo type brackets). */
  static boolean sameType(Object a, Object b) {
    return rank(a) == rank(b) && a != MISSING;
  }

  static int compareNumbers(Number a, Number b) {
    if (isIntegral(a) && isIntegral(b)) {
      return Long.compare(a.longValue(), b.longValue());
    }
    if (isBig(a) || isBig(b)) {
      BigDecimal x = toBigDecimal(a);
      BigDecimal y = toBigDecimal(b);
      if (x != null && y != null) {
        return x.compareTo(y);
      }
    }
    double x = a.doubleValue();
    double y = b.doubleValue();
    // "+ 0.0" folds -0.0 into 0.0 so that they compare equal, as in Mongo.
    return x < y ? -1 : x > y ? 1 : Double.compare(x + 0.0, y + 0.0);
  }

  /** Numbers a double cannot hold exactly; only these pay for a BigDecimal comparison. */
  private static boolean isBig(Number n) {
    if (n instanceof Long l) {
      return l > (1L << 53) || l < -(1L << 53);
    }
    return n instanceof BigDecimal || n instanceof BigInteger;
  }

  /** Null for NaN and infinities, which BigDecimal cannot hold. */
  private static BigDecimal toBigDecimal(Number n) {
    if (n instanceof BigDecimal d) {
      return d;
    }
    if (n instanceof BigInteger i) {
      return new BigDecimal(i);
    }
    if (isIntegral(n)) {
      return BigDecimal.valueOf(n.longValue());
    }
    double d = n.doubleValue();
    return Double.isFinite(d) ? new BigDecimal(d) : null;
  }

  private static int compareLists(List<?> a, List<?> b) {
    int n = Math.min(a.size(), b.size());
    for (int i = 0; i < n; i++) {
      int c = compare(a.get(i), b.get(i));
      if (c != 0) {
        return c;
      }
    }
    return Integer.compare(a.size(), b.size());
  }

  private static int compareMaps(Map<?, ?> a, Map<?, ?> b) {
    Iterator<? extends Map.Entry<?, ?>> ia = a.entrySet().iterator();
    Iterator<? extends Map.Entry<?, ?>> ib = b.entrySet().iterator();
    while (ia.hasNext() && ib.hasNext()) {
      Map.Entry<?, ?> ea = ia.next();
      Map.Entry<?, ?> eb = ib.next();
      int c = String.valueOf(ea.getKey()).compareTo(String.valueOf(eb.getKey()));
      if (c == 0) {
        c = compare(ea.getValue(), eb.getValue());
      }
      if (c != 0) {
        return c;
      }
    }
    return Boolean.compare(ia.hasNext(), ib.hasNext());
  }
}
