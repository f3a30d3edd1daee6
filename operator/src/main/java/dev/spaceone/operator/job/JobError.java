package dev.spaceone.operator.job;

import dev.spaceone.contract.ErrorCodes;

/** Why a Job cannot run: it ends ERROR with this code ({@link ErrorCodes}) and message. */
public record JobError(String code, String message) {
  static JobError invalid(String field, String problem) {
    return new JobError(ErrorCodes.INVALID_PARAMETER, field + ": " + problem);
  }
}
