package board

// Hooks for the external tests: sizes to assert bounded memory on, and smaller caps so a
// test can fill them.

func ThrottleTracked(b *Board) int { return b.throttle.tracked() }

func SetThrottleMax(b *Board, n int) { b.throttle.max = n }

func InFlight(b *Board) int { return len(b.inflight) }

const MaxInFlight = maxInFlight

// PlatformEvent exposes platformEvent to the external tests.
var PlatformEvent = platformEvent
