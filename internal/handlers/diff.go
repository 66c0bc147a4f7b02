package handlers

import (
	"fmt"
	"strconv"

	"github.com/gofiber/fiber/v2"
	"github.com/jesenice/twincms/internal/jsondiff"
	"github.com/jesenice/twincms/models"
)

// versionDiff is GET …/{id}/versions/{n}/diff: the RFC 6902 operations
// that turn version From into version To.
type versionDiff struct {
	From       int64         `json:"from"`
	To         int64         `json:"to"`
	Operations []jsondiff.Op `json:"operations"`
}

// diff compares two snapshots of one resource on their editable fields
// (server-owned ones such as version and timestamps are left out).
// against defaults to the version before n; 0 is the empty document before
// the first version, so the diff of version 1 lists everything it added;
// against=published is the published version (409 when never published),
// so …/versions/{draft_version}/diff?against=published shows the draft's
// unpublished changes.
func (h *contentHandlers[T, P]) diff(c *fiber.Ctx) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	n, err := versionParam(c)
	if err != nil {
		return err
	}
	against := n - 1
	if s := c.Query("against"); s == "published" {
		cur, err := h.service.Get(c.UserContext(), id)
		if err != nil {
			return err
		}
		pv := cur.GetMeta().PublishedVersion
		if pv == nil {
			return fmt.Errorf("%w: it was never published", models.ErrConflict)
		}
		against = *pv
	} else if s != "" {
		m, err := strconv.ParseInt(s, 10, 64)
		if err != nil || m < 0 || s[0] == '+' {
			return fmt.Errorf("%w: against must be a version number (0 is the empty document) or published", models.ErrMalformed)
		}
		against = m
	}
	to, err := h.service.Version(c.UserContext(), id, n)
	if err != nil {
		return err
	}
	var from any // version 0: nothing yet
	if against > 0 {
		v, err := h.service.Version(c.UserContext(), id, against)
		if err != nil {
			return err
		}
		from = v.Snapshot
	}
	ops, err := jsondiff.Diff(from, to.Snapshot, jsondiff.Options{Exclude: models.ServerOwnedFields})
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.JSON(versionDiff{From: against, To: n, Operations: ops})
}
