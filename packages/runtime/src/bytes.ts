/** Shared byte constants. */
export const EMPTY = Buffer.alloc(0);
