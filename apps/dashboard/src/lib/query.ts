import { QueryClient } from '@tanstack/solid-query';
import { ApiError } from './api.js';

/** Pages render from cache at once and refresh in the background; a 4xx is not worth retrying. */
export const queryClient = new QueryClient({
  defaultOptions: {
    queries: {
      staleTime: 15_000,
      gcTime: 10 * 60_000,
      refetchOnWindowFocus: true,
      retry: (count, error) => !(error instanceof ApiError && error.status >= 400 && error.status < 500) && count < 2,
    },
  },
});
