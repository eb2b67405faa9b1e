// Turning API errors into sentences for the user.

import { ApiError } from './api';
import { t } from './i18n';

/** describeError explains err in the current language. */
export function describeError(err: unknown): string {
  if (!(err instanceof ApiError)) return err instanceof Error ? err.message : String(err);
  const path = err.path.split('?')[0];
  switch (err.kind) {
    case 'network':
      return t('error.network');
    case 'unavailable':
      return t('error.unavailable', { path });
    case 'auth':
      return t('error.auth');
    case 'forbidden':
      return t('error.forbidden');
    case 'conflict':
      return t('error.conflict');
    case 'badResponse':
      return t('error.badResponse', { path });
    default:
      return t('error.http', { status: err.status, message: err.message });
  }
}
