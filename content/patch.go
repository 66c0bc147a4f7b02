package content

import (
	"encoding/json"

	"github.com/jesenice/twincms/models"
)

// applyPatch merges patch into the editable fields of cur and decodes the
// result strictly, keeping cur's server-owned fields. On a PartlyDecoded
// error next holds what fitted, for the rules to be checked too.
func applyPatch[T any, P Item[T]](cur P, patch map[string]json.RawMessage) (P, error) {
	var base map[string]any
	b, err := json.Marshal(cur)
	if err != nil {
		return nil, err
	}
	if err := json.Unmarshal(b, &base); err != nil {
		return nil, err
	}
	for _, k := range models.ServerOwnedFields {
		delete(base, k)
	}
	pb, _ := json.Marshal(patch)
	var pm map[string]any
	if err := json.Unmarshal(pb, &pm); err != nil {
		return nil, models.Hide(models.ErrMalformed, "the patch is not valid JSON", err)
	}
	merged, _ := json.Marshal(models.MergePatch(base, pm))
	next := P(new(T))
	err = models.DecodeStrict(merged, next)
	*next.GetMeta() = *cur.GetMeta()
	return next, err
}
