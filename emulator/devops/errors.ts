import type { Reply } from '../http/types';

const NAMESPACES = {
  system: ['System', 'mscorlib'],
  webApi: ['Microsoft.VisualStudio.Services.WebApi', 'Microsoft.VisualStudio.Services.WebApi'],
  security: ['Microsoft.VisualStudio.Services.Security', 'Microsoft.VisualStudio.Services.WebApi'],
  serviceEndpoints: [
    'Microsoft.VisualStudio.Services.ServiceEndpoints.WebApi',
    'Microsoft.VisualStudio.Services.ServiceEndpoints.WebApi',
  ],
  core: ['Microsoft.TeamFoundation.Core.WebApi', 'Microsoft.TeamFoundation.Core.WebApi'],
} as const;

/** Where an exception type lives; only used to build a realistic `typeName`. */
export type ErrorNamespace = keyof typeof NAMESPACES;

/**
 * Azure DevOps' error body (azure-apis.md §1.10):
 * `{"$id":"1","innerException":null,"message":…,"typeName":…,"typeKey":…,"errorCode":0,"eventId":3000}`.
 */
export function adoError(
  status: number,
  typeKey: string,
  message: string,
  namespace: ErrorNamespace = 'system',
  headers: Readonly<Record<string, string>> = {},
): Reply {
  const [ns, assembly] = NAMESPACES[namespace];
  return {
    status,
    headers,
    json: {
      $id: '1',
      innerException: null,
      message,
      typeName: `${ns}.${typeKey}, ${assembly}`,
      typeKey,
      errorCode: 0,
      eventId: 3000,
    },
  };
}

/** 400 `ArgumentException`, the type validation errors surface as. */
export function badRequest(message: string): Reply {
  return adoError(400, 'ArgumentException', message);
}

/** 404 for a connection the caller cannot see or that does not exist. */
export function endpointNotFound(id: string): Reply {
  return adoError(
    404,
    'ServiceEndpointNotFoundException',
    `Service connection with id '${id}' was not found.`,
    'serviceEndpoints',
  );
}

/** 404 for an unknown project (TF200016). */
export function projectNotFound(name: string): Reply {
  return adoError(
    404,
    'ProjectDoesNotExistWithNameException',
    `TF200016: The following project does not exist: ${name}. Verify that the name of the project is correct and that the project exists on the specified Azure DevOps Server.`,
    'core',
  );
}
