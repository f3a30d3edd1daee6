package dev.spaceone.query;

/**
 * The one exception for a query that cannot be answered: bad shape, bad value, or data the query
 * cannot apply to (e.g. summing a string). {@link #field()} names the offending part of the query
 * as a JSON path such as {@code query.filter[0].o}, so the API can answer 422 naming the field.
 */
public final class QueryException extends Exception {
  private final String field;

  public QueryException(String field, String message) {
    super(field + ": " + message);
    this.field = field;
  }

  public String field() {
    return field;
  }

  /** The message without the field prefix. */
  public String reason() {
    return getMessage().substring(field.length() + 2);
  }
}
