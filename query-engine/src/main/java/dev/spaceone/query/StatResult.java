package dev.spaceone.query;

import java.util.List;

/**
 * Answer of a statistics query: distinct values or aggregate rows. {@code totalCount} is null
 * unless the query set {@code page.limit}, as in SpaceONE.
 */
public record StatResult(List<Object> results, Long totalCount) {}
