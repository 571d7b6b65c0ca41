import useSWR, { type Key, type SWRConfiguration } from 'swr';

/** useSWR with the fetcher's errors typed as Error (TandemApiError for API answers) instead of `any`. */
export function useApi<T>(key: Key, fetcher: () => Promise<T>, config?: SWRConfiguration<T, Error>) {
  return useSWR<T, Error>(key, fetcher, config);
}

/** A form field as text (FormData values may be files; these forms have none). */
export function field(form: FormData, name: string): string {
  const value = form.get(name);
  return typeof value === 'string' ? value : '';
}
