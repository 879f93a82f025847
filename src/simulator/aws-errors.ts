/**
 * The errors the simulator answers with: name, HTTP status (from the Smithy `httpError` trait
 * where the model defines the error) and a message worded like AWS's own.
 */
export interface SimulatedError {
  /** Sent as `x-amzn-ErrorType`; the SDK turns it into the exception's `name`. */
  name: string;
  status: number;
  message: string;
}

export const THROTTLING_MESSAGE = 'Too many requests, please wait before trying again.';

export function throttling(): SimulatedError {
  return { name: 'ThrottlingException', status: 429, message: THROTTLING_MESSAGE };
}

/** IAM's wording; `action` is e.g. `bedrock:InvokeModel`, `resourceArn` where the action has one. */
export function accessDenied(
  callerArn: string,
  action: string,
  resourceArn?: string,
): SimulatedError {
  const onResource = resourceArn === undefined ? '' : ` on resource: ${resourceArn}`;
  return {
    name: 'AccessDeniedException',
    status: 403,
    message: `User: ${callerArn} is not authorized to perform: ${action}${onResource} because no identity-based policy allows the ${action} action`,
  };
}

export function internalServerError(): SimulatedError {
  return {
    name: 'InternalServerException',
    status: 500,
    message: 'An internal server error occurred. Retry your request.',
  };
}

/** Not in the Bedrock control-plane model: the SDK sees an unmodelled 503. */
export function serviceUnavailable(): SimulatedError {
  return {
    name: 'ServiceUnavailableException',
    status: 503,
    message: 'Service Unavailable. Please try again later.',
  };
}

export function resourceNotFound(message: string): SimulatedError {
  return { name: 'ResourceNotFoundException', status: 404, message };
}

export function modelNotFound(modelId: string, region: string): SimulatedError {
  return resourceNotFound(`The model ${modelId} does not exist in region ${region}.`);
}

/** Worded as AWS's request validation (Coral) words a constraint violation. */
export function validationFailed(
  value: string,
  member: string,
  constraint: string,
): SimulatedError {
  return {
    name: 'ValidationException',
    status: 400,
    message: `1 validation error detected: Value '${value}' at '${member}' failed to satisfy constraint: ${constraint}`,
  };
}

/** Coral's wording for a required member that is missing (or JSON null). */
export function requiredMemberMissing(member: string): SimulatedError {
  return {
    name: 'ValidationException',
    status: 400,
    message: `1 validation error detected: Value null at '${member}' failed to satisfy constraint: Member must not be null`,
  };
}

/** A body that is not the JSON object the operation takes. */
export function malformedRequestBody(): SimulatedError {
  return {
    name: 'ValidationException',
    status: 400,
    message: 'Malformed input request, please reformat your input and try again.',
  };
}

/** Modelled with HTTP status 400 in the Bedrock control plane. */
export function conflict(message: string): SimulatedError {
  return { name: 'ConflictException', status: 400, message };
}

export function unknownOperation(method: string, path: string): SimulatedError {
  return {
    name: 'UnknownOperationException',
    status: 404,
    message: `Unknown operation: ${method} ${path}`,
  };
}

export function missingAuthenticationToken(): SimulatedError {
  return {
    name: 'MissingAuthenticationTokenException',
    status: 403,
    message: 'Missing Authentication Token',
  };
}

/** An Authorization header the simulator cannot read a SigV4 credential scope from. */
export function incompleteSignature(detail: string): SimulatedError {
  return { name: 'IncompleteSignatureException', status: 403, message: detail };
}

/**
 * What every AWS service answers for credentials it refuses (`callerCredentials` in a
 * scenario), in the names each protocol uses: STS (Query) drops the Exception suffix, the
 * REST-JSON services keep it and call an unknown key UnrecognizedClientException.
 */
export function refusedCredentials(
  credentials: 'expired' | 'invalid',
  protocol: 'query' | 'rest-json',
): SimulatedError {
  if (credentials === 'expired') {
    return {
      name: protocol === 'query' ? 'ExpiredToken' : 'ExpiredTokenException',
      status: 403,
      message: 'The security token included in the request is expired',
    };
  }
  return {
    name: protocol === 'query' ? 'InvalidClientTokenId' : 'UnrecognizedClientException',
    status: 403,
    message: 'The security token included in the request is invalid.',
  };
}

export function simulatorFailure(error: unknown): SimulatedError {
  const detail = error instanceof Error ? error.message : String(error);
  return { ...internalServerError(), message: `Simulator failure: ${detail}` };
}
