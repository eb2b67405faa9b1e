// Turning API errors into sentences for the user. The API words its errors
// in the language the client asks for (Accept-Language, see api.ts), so its
// message is shown as it is whenever it sent one; the UI's own sentences
// cover failures without one.

import { ApiError } from './api';
import { t } from './i18n';

/** serverMessage is the message the API wrote for err (with its detail, if any), empty when it sent no JSON error. */
export function serverMessage(err: ApiError): string {
  return typeof err.body?.error === 'string' && err.body.error.trim() ? err.message : '';
}

/** describeError explains err in the current language. */
export function describeError(err: unknown): string {
  if (!(err instanceof ApiError)) return err instanceof Error ? err.message : String(err);
  const path = err.path.split('?')[0];
  const said = serverMessage(err);
  switch (err.kind) {
    case 'network':
      return t('error.network');
    case 'unavailable':
      return t('error.unavailable', { path });
    case 'auth':
      return t('error.auth');
    case 'forbidden':
      return said || t('error.forbidden');
    case 'conflict':
      return said || t('error.conflict');
    case 'badResponse':
      return t('error.badResponse', { path });
    default:
      return said || t('error.http', { status: err.status, message: err.message });
  }
}
