package dev.spaceone.query;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.IntPredicate;
import java.util.function.Predicate;
import com.google.re2j.Pattern;
import com.google.re2j.PatternSyntaxException;

/**
 * SpaceONE's filter operators. Each turns the condition's value into a test of one record value,
 * doing all parsing (regex, datetimes, sets) once per query. Negative operators ({@code not},
 * {@code not_in}, ...) are the negation of their positive twin over the whole record, which is
 * MongoDB's meaning for lists and missing keys.
 */
final class Operators {
  /** How the condition's value must look: SpaceONE rejects a list for single-value operators. */
  enum Arity { SINGLE, LIST }

  @FunctionalInterface
  interface TestFactory {
    Predicate<Object> create(Object value, QueryNode valueNode, Clock clock) throws QueryException;
  }

  /**
   * @param eachValue SpaceONE expands the list into one condition per value and ORs them (only
   *     {@code not_contain_in} differs by it: a record is excluded only when it contains every value)
   */
  record Operator(Arity arity, boolean negated, boolean eachValue, TestFactory factory) {
    Operator(Arity arity, boolean negated, TestFactory factory) {
      this(arity, negated, false, factory);
    }
  }

  private static final Map<String, Operator> OPERATORS = Map.ofEntries(
      Map.entry("eq", new Operator(Arity.SINGLE, false, Operators::equalTo)),
      Map.entry("not", new Operator(Arity.SINGLE, true, Operators::equalTo)),
      Map.entry("lt", new Operator(Arity.SINGLE, false, compare(c -> c < 0))),
      Map.entry("lte", new Operator(Arity.SINGLE, false, compare(c -> c <= 0))),
      Map.entry("gt", new Operator(Arity.SINGLE, false, compare(c -> c > 0))),
      Map.entry("gte", new Operator(Arity.SINGLE, false, compare(c -> c >= 0))),
      Map.entry("exists", new Operator(Arity.SINGLE, false, Operators::exists)),
      Map.entry("contain", new Operator(Arity.SINGLE, false, Operators::contain)),
      Map.entry("not_contain", new Operator(Arity.SINGLE, true, Operators::contain)),
      Map.entry("in", new Operator(Arity.LIST, false, Operators::in)),
      Map.entry("not_in", new Operator(Arity.LIST, true, Operators::in)),
      Map.entry("contain_in", new Operator(Arity.LIST, false, Operators::containIn)),
      Map.entry("not_contain_in", new Operator(Arity.LIST, true, true, Operators::contain)),
      Map.entry("regex", new Operator(Arity.SINGLE, false, Operators::regex)),
      Map.entry("regex_in", new Operator(Arity.LIST, false, Operators::regexIn)),
      Map.entry("datetime_lt", new Operator(Arity.SINGLE, false, datetime(c -> c < 0))),
      Map.entry("datetime_lte", new Operator(Arity.SINGLE, false, datetime(c -> c <= 0))),
      Map.entry("datetime_gt", new Operator(Arity.SINGLE, false, datetime(c -> c > 0))),
      Map.entry("datetime_gte", new Operator(Arity.SINGLE, false, datetime(c -> c >= 0))),
      Map.entry("timediff_lt", new Operator(Arity.SINGLE, false, timediff(c -> c < 0))),
      Map.entry("timediff_lte", new Operator(Arity.SINGLE, false, timediff(c -> c <= 0))),
      Map.entry("timediff_gt", new Operator(Arity.SINGLE, false, timediff(c -> c > 0))),
      Map.entry("timediff_gte", new Operator(Arity.SINGLE, false, timediff(c -> c >= 0))));

  private Operators() {}

  /** The operator of that name, or null. */
  static Operator named(String name) {
    return OPERATORS.get(name);
  }

  static Set<String> names() {
    return OPERATORS.keySet();
  }

  private static Predicate<Object> equalTo(Object value, QueryNode node, Clock clock) {
    if (value == null) {
      return c -> c == null || c == Values.MISSING;
    }
    Object target = Values.normalize(value);
    return c -> target.equals(Values.normalize(c));
  }

  private static TestFactory compare(IntPredicate accept) {
    return (value, node, clock) -> c -> Values.sameType(c, value) && accept.test(Values.compare(c, value));
  }

  private static Predicate<Object> exists(Object value, QueryNode node, Clock clock)
      throws QueryException {
    if (!(value instanceof Boolean wanted)) {
      throw node.error("operator 'exists' takes true or false");
    }
    return c -> (c != Values.MISSING) == wanted;
  }

  private static Predicate<Object> contain(Object value, QueryNode node, Clock clock)
      throws QueryException {
    String needle = scalarText(value, node);
    return c -> c instanceof String s && containsIgnoreCase(s, needle);
  }

  private static Predicate<Object> in(Object value, QueryNode node, Clock clock) {
    Set<Object> members = new HashSet<>();
    for (Object element : (List<?>) value) {
      members.add(Values.normalize(element));
    }
    // A missing key is "null" for in/not_in, as in Mongo's $in: [null].
    return c -> members.contains(c == Values.MISSING ? null : Values.normalize(c));
  }

  private static Predicate<Object> containIn(Object value, QueryNode node, Clock clock)
      throws QueryException {
    List<?> elements = (List<?>) value;
    List<QueryNode> nodes = node.list();
    String[] needles = new String[elements.size()];
    for (int i = 0; i < needles.length; i++) {
      needles[i] = scalarText(elements.get(i), nodes.get(i));
    }
    return c -> c instanceof String s && containsAnyIgnoreCase(s, needles);
  }

  static boolean containsAnyIgnoreCase(String haystack, String[] needles) {
    for (String needle : needles) {
      if (containsIgnoreCase(haystack, needle)) {
        return true;
      }
    }
    return false;
  }

  private static Predicate<Object> regex(Object value, QueryNode node, Clock clock)
      throws QueryException {
    Pattern pattern = pattern(value, node, Pattern.CASE_INSENSITIVE);
    return c -> c instanceof String s && pattern.matcher(s).find();
  }

  private static Predicate<Object> regexIn(Object value, QueryNode node, Clock clock)
      throws QueryException {
    List<QueryNode> nodes = node.list();
    List<Pattern> patterns = new ArrayList<>(nodes.size());
    for (int i = 0; i < nodes.size(); i++) {
      patterns.add(pattern(((List<?>) value).get(i), nodes.get(i), Pattern.CASE_INSENSITIVE));
    }
    return c -> {
      if (c instanceof String s) {
        for (Pattern pattern : patterns) {
          if (pattern.matcher(s).find()) {
            return true;
          }
        }
      }
      return false;
    };
  }

  private static TestFactory datetime(IntPredicate accept) {
    return (value, node, clock) -> {
      Instant target = value instanceof String s ? DateTimes.parse(s) : null;
      if (target == null) {
        throw node.error("must be an ISO-8601 datetime or date, e.g. 2022-06-17T08:00:00Z");
      }
      return instantTest(target, accept);
    };
  }

  private static TestFactory timediff(IntPredicate accept) {
    return (value, node, clock) -> {
      Instant target = value instanceof String s ? DateTimes.timediff(s, clock) : null;
      if (target == null) {
        throw node.error("must be a time difference such as now, now-1d or now/d+2h");
      }
      return instantTest(target, accept);
    };
  }

  private static Predicate<Object> instantTest(Instant target, IntPredicate accept) {
    return c -> {
      if (c instanceof String s) {
        Instant at = DateTimes.parse(s);
        return at != null && accept.test(at.compareTo(target));
      }
      return false;
    };
  }

  /**
   * A user's pattern, compiled by RE2/J: matching takes time linear in the text whatever the pattern, so no
   * pattern can backtrack for seconds or overflow the stack. SpaceONE sends filter regexes to MongoDB with the
   * "i" option ({@code flags} CASE_INSENSITIVE); README lists where RE2 syntax differs from MongoDB's PCRE.
   */
  static Pattern pattern(Object value, QueryNode node, int flags) throws QueryException {
    if (!(value instanceof String regex)) {
      throw node.error("must be a regular expression string");
    }
    // A compiled program is some tens of bytes per pattern character.
    node.budget().charge(64L * regex.length() + 256);
    try {
      return Pattern.compile(regex, flags);
    } catch (PatternSyntaxException e) {
      throw node.error("invalid regular expression: " + QueryException.printable(e.getDescription()) + " (RE2 syntax; "
          + "backreferences and lookaround are not supported)");
    }
  }

  static String scalarText(Object value, QueryNode node) throws QueryException {
    if (value instanceof String || value instanceof Number || value instanceof Boolean) {
      return value.toString();
    }
    throw node.error("must be a string");
  }

  /** Case-insensitive substring test without lower-casing (and so allocating) the haystack. */
  static boolean containsIgnoreCase(String haystack, String needle) {
    int last = haystack.length() - needle.length();
    for (int i = 0; i <= last; i++) {
      if (haystack.regionMatches(true, i, needle, 0, needle.length())) {
        return true;
      }
    }
    return false;
  }
}
