package wechat

import "sync"

// queues runs jobs in order per key and different keys concurrently: one buyer's
// messages are handled one after another, while other buyers need not wait. A key's
// goroutine lives only while it has work, and enqueueing never blocks, so the WeChat
// sync loop that feeds it is never held up by a slow handler.
type queues struct {
	mu      sync.Mutex
	pending map[string][]func() // a key is present while its goroutine runs
	wg      sync.WaitGroup
}

func newQueues() *queues { return &queues{pending: map[string][]func(){}} }

// add queues job behind the key's earlier jobs.
func (q *queues) add(key string, job func()) {
	q.mu.Lock()
	defer q.mu.Unlock()
	jobs, running := q.pending[key]
	q.pending[key] = append(jobs, job)
	if running {
		return
	}
	q.wg.Add(1)
	go q.run(key)
}

func (q *queues) run(key string) {
	defer q.wg.Done()
	for {
		q.mu.Lock()
		jobs := q.pending[key]
		if len(jobs) == 0 {
			delete(q.pending, key)
			q.mu.Unlock()
			return
		}
		job := jobs[0]
		jobs[0] = nil
		q.pending[key] = jobs[1:]
		q.mu.Unlock()
		job()
	}
}

// wait returns once every queued job has run.
func (q *queues) wait() { q.wg.Wait() }
