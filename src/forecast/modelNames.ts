/**
 * Model names accepted by `forecast` (and `--model`). A file of its own so the CLI can list them in
 * its help without loading the models.
 */
export const MODEL_NAMES = ['auto', 'seasonal-naive', 'seasonal-naive-weekly', 'seasonal-naive-daily', 'holt-winters-add', 'holt-winters-mul-damped', 'double-seasonal', 'double-seasonal-mul', 'double-seasonal-mul-days', 'robust-profile', 'robust-profile-daily', 'intermittent-tsb', 'mstl', 'damped-trend'] as const;
/** One of {@link MODEL_NAMES}. */
export type ModelName = (typeof MODEL_NAMES)[number];
