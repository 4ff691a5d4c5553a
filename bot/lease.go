package bot

import (
	"context"
	"time"
)

// Leases hands out named, time-limited leases on scheduled work, so that of
// several replicas on one database exactly one runs a job at a time, and
// another takes over once the holder stopped renewing. storage implements
// it in the database the replicas share.
type Leases interface {
	// AcquireLease takes the lease name for holder until ttl from now, or
	// renews it when holder has it already, and reports whether holder
	// holds it. The holder must stop the leased work before ttl has passed
	// since the call, unless a renewal succeeded meanwhile.
	AcquireLease(ctx context.Context, name, holder string, ttl time.Duration) (bool, error)
	// ReleaseLease ends holder's lease at once; it does nothing when holder
	// does not hold it.
	ReleaseLease(ctx context.Context, name, holder string) error
}
