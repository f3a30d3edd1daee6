package dev.spaceone.query;

import java.util.List;
import java.util.Map;

/** Answer of a list query: the page of (projected) records and the count before paging. */
public record SearchResult(List<Map<String, Object>> results, long totalCount) {}
