import type { Reply, RequestContext } from '../http/types';
import { adoError } from './errors';
import type { ApiLocation } from './locations';

const FORMAT = /^(\d+)\.(\d+)(-preview(?:\.(\d+))?)?$/;

const rank = (version: string) => {
  const [major = '0', minor = '0'] = version.split('.');
  return Number(major) * 1000 + Number(minor);
};

/** The requested api-version: the query string first, else the `Accept` header parameter. */
export function requestedApiVersion(req: RequestContext): string | null {
  const fromQuery = req.query.get('api-version');
  if (fromQuery) return fromQuery.trim();
  const match = /api-version\s*=\s*([^;,\s]+)/i.exec(req.headers['accept'] ?? '');
  return match?.[1] ?? null;
}

/**
 * Checks the api-version the way Azure DevOps does (ADODOCS `rest-api-versioning.md`, azure-apis.md
 * §1.1): required, in the query or in `Accept`; within the location's range; a version above the
 * released one needs `-preview`; a preview's resource version cannot exceed the location's.
 * Returns null when acceptable, else the 400.
 */
export function checkApiVersion(req: RequestContext, location: ApiLocation): Reply | null {
  const requested = requestedApiVersion(req);
  if (!requested) {
    return adoError(
      400,
      'VssVersionNotSpecifiedException',
      `No api-version was supplied for the "${req.method}" request. The version must be supplied either as part of the Accept header (e.g. "application/json; api-version=1.0") or as a query parameter (e.g. "?api-version=1.0").`,
      'webApi',
    );
  }
  const match = FORMAT.exec(requested);
  if (!match)
    return adoError(
      400,
      'VssInvalidApiVersionException',
      `The api-version '${requested}' is not valid.`,
      'webApi',
    );
  const version = `${match[1]}.${match[2]}`;
  const preview = match[3] !== undefined;
  if (rank(version) > rank(location.maxVersion)) {
    return adoError(
      400,
      'VssVersionOutOfRangeException',
      `The requested REST API version of ${version} is out of range for this server. The latest REST API version this server supports is ${location.maxVersion}.`,
      'webApi',
    );
  }
  if (rank(version) < rank(location.minVersion)) {
    return adoError(
      400,
      'VssVersionOutOfRangeException',
      `The requested REST API version of ${version} is below the minimum ${location.minVersion} for this resource.`,
      'webApi',
    );
  }
  if (!preview && rank(version) > rank(location.releasedVersion)) {
    return adoError(
      400,
      'VssInvalidPreviewVersionException',
      `The requested version "${version}" of the resource is under preview. The -preview flag must be supplied in the api-version for such requests. For example: "${version}-preview"`,
      'webApi',
    );
  }
  const resourceVersion = match[4] === undefined ? undefined : Number(match[4]);
  if (resourceVersion !== undefined && resourceVersion > location.resourceVersion) {
    return adoError(
      400,
      'VssVersionOutOfRangeException',
      `The requested resource version ${resourceVersion} of the resource ${location.resourceName} is out of range; this server supports up to ${location.resourceVersion}.`,
      'webApi',
    );
  }
  return null;
}
