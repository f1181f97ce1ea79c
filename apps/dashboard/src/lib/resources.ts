import { keepPreviousData, useQuery } from '@tanstack/solid-query';
import { api, type Page, type RequestOptions } from './api.js';

/** One API resource by id, cached under its collection path. */
export function useResource<T>(path: () => string, id: () => string) {
  return useQuery(() => ({ queryKey: [path(), id()], queryFn: () => api.get<T>(`${path()}/${id()}`), enabled: id() !== '' }));
}

/** A page of a collection; keeps the previous page on screen while the next loads. */
export function usePage<T>(path: () => string, query: () => RequestOptions['query'], enabled: () => boolean = () => true) {
  return useQuery(() => ({
    queryKey: [path(), query()],
    queryFn: () => api.get<Page<T>>(path(), query()),
    placeholderData: keepPreviousData,
    enabled: enabled(),
  }));
}

/** Every item of a small collection (choices in pickers): up to 200. */
export function useAll<T>(path: string, query: () => RequestOptions['query'] = () => ({}), enabled: () => boolean = () => true) {
  return usePage<T>(
    () => path,
    () => ({ limit: 200, ...query() }),
    enabled,
  );
}
