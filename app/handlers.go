package app

import (
	"net/http"
)

// Serve serves a channel's own HTTP endpoint (the 微信客服 callback given its own
// listen address) with the push server's limits, until Close. key names the config
// entry for errors.
func (a *App) Serve(key, addr string, h http.Handler) error {
	return a.serve(key, addr, newPushServer(inFlight(pushMaxInFlight, http.MaxBytesHandler(h, 1<<20))))
}
