//go:build !untangle_seconds

package main

// secondsCron is whether UNTANGLE_REMIND_CRON may have a leading seconds
// field. Only binaries built for the replica test (-tags untangle_seconds)
// accept one, so that test sees reminder slots seconds apart.
const secondsCron = false
