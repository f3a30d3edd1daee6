package dev.spaceone.query;

import java.util.List;
import java.util.Map;

/**
 * Answer of an analyze query: the rows, and whether {@code page.limit} cut off further rows; {@code more} is
 * null when the query gave no {@code page.limit}, and SpaceONE's answer then has no {@code more} key.
 */
public record AnalyzeResult(List<Map<String, Object>> results, Boolean more) {}
