package dev.spaceone.store;

import java.util.Map;

/**
 * A resource the store did not write, in SpaceONE's error shape: {@code ERROR_MATCH_RULE} (no usable
 * match_rules), {@code ERROR_TOO_MANY_MATCH} (a priority matched more than one stored resource, SpaceONE's
 * rule), {@code ERROR_RESOURCE_NOT_STORABLE} (PostgreSQL refused the document, e.g. a \u0000 in a string).
 */
public record ResourceFailure(String errorCode, String message, Map<String, Object> additional) {
}
