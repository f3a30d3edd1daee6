package dev.spaceone.query;

/**
 * The one exception for a query that cannot be answered: bad shape, bad value, data the query cannot apply
 * to (e.g. summing a string), a limit exceeded, the deadline passed, or the query cancelled. {@link #field()}
 * names the offending part of the query as a JSON path such as {@code query.filter[0].o}, so the API can
 * answer naming the field; {@link #kind()} says which answer fits.
 */
public final class QueryException extends Exception {
  /** What went wrong, and so how the API answers. */
  public enum Kind {
    /** Malformed, or not applicable to the data: 422. */
    INVALID,
    /** A size limit or the memory budget of {@link QueryLimits}: 422 naming the limit and its setting. */
    LIMIT,
    /** The query ran past its deadline: the API answers 504 Timeout. */
    DEADLINE,
    /** {@link QueryBudget#cancel()} was called (the client went away): nothing to answer. */
    CANCELLED
  }

  private final Kind kind;
  private final String field;

  public QueryException(String field, String message) {
    this(Kind.INVALID, field, message);
  }

  public QueryException(Kind kind, String field, String message) {
    super(field + ": " + printable(message));
    this.kind = kind;
    this.field = printable(field);
  }

  public Kind kind() {
    return kind;
  }

  public String field() {
    return field;
  }

  /** The message without the field prefix. */
  public String reason() {
    return getMessage().substring(getMessage().indexOf(": ") + 2);
  }

  /**
   * Control characters (a newline in a key, say) escaped as {@code \n} or {@code \\uXXXX}: a message may end up in
   * a log line or a response, and must not break either.
   */
  static String printable(String text) {
    StringBuilder out = null;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (Character.isISOControl(c) || c == '\u2028' || c == '\u2029') {
        if (out == null) {
          out = new StringBuilder(text.length() + 8).append(text, 0, i);
        }
        switch (c) {
          case '\n' -> out.append("\\n");
          case '\r' -> out.append("\\r");
          case '\t' -> out.append("\\t");
          default -> out.append(String.format("\\u%04x", (int) c));
        }
      } else if (out != null) {
        out.append(c);
      }
    }
    return out == null ? text : out.toString();
  }
}
