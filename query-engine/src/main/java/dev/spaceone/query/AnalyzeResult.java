package dev.spaceone.query;

import java.util.List;
import java.util.Map;

/** Answer of an analyze query: the rows, and whether {@code page.limit} cut off further rows. */
public record AnalyzeResult(List<Map<String, Object>> results, boolean more) {}
