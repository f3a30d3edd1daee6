package dev.spaceone.operator.query;

import java.util.Arrays;
import java.util.Optional;

/** The three create-only resources of {@code query.spaceone.dev/v1alpha1}. */
public enum QueryKind {
  SEARCH("searches", "search", "Search"),
  STAT("stats", "stat", "Stat"),
  ANALYSIS("analyses", "analysis", "Analysis");

  public static final String GROUP = "query.spaceone.dev";
  public static final String VERSION = "v1alpha1";
  public static final String API_VERSION = GROUP + "/" + VERSION;

  private final String plural;
  private final String singular;
  private final String kind;

  QueryKind(String plural, String singular, String kind) {
    this.plural = plural;
    this.singular = singular;
    this.kind = kind;
  }

  public String plural() {
    return plural;
  }

  public String singular() {
    return singular;
  }

  public String kind() {
    return kind;
  }

  public static Optional<QueryKind> byPlural(String plural) {
    return Arrays.stream(values()).filter(k -> k.plural.equals(plural)).findFirst();
  }
}
