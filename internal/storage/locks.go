package storage

import (
	"hash/fnv"
	"sync"
)

// stripedLocks serializes work on one key with a fixed number of mutexes,
// so memory does not grow with the number of keys.
type stripedLocks struct {
	stripes [64]sync.Mutex
}

// lock locks key's stripe and returns the unlock.
func (s *stripedLocks) lock(key string) func() {
	h := fnv.New32a()
	_, _ = h.Write([]byte(key))
	m := &s.stripes[h.Sum32()%uint32(len(s.stripes))]
	m.Lock()
	return m.Unlock
}
