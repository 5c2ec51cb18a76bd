// docker compose reads its on/off variables (COMPOSE_REMOVE_ORPHANS,
// COMPOSE_IGNORE_ORPHANS, COMPOSE_DISABLE_ENV_FILE, ...) with Go's
// strconv.ParseBool after lowering the case: 1, t and true are on, anything
// else (unset, empty, a typo) is off.
export function switchOn(value: string | undefined): boolean {
  return value !== undefined && /^(1|t|true)$/i.test(value);
}
