//go:build untangle_seconds

package main

// secondsCron is whether UNTANGLE_REMIND_CRON may have a leading seconds
// field: this binary was built for the replica test, which needs reminder
// slots seconds apart.
const secondsCron = true
