package archive

import (
	"encoding/xml"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/jesenice/twincms/models"
)

// PREMIS 3.0 (the Library of Congress's preservation metadata) for each
// document of a bag, as Archivematica records it: the file object with its
// fixity (SHA-256), size, format (PRONOM PUID, name, version) and original
// name; its events (ingestion, fixity checks, format identification, text
// extraction, and the edits and withdrawals of its history), each linked
// to the object and to its agents (twincms itself, the person or token
// who acted, the identifying or extracting program). It is written as
// metadata/premis/<document id>.xml and validates against the official
// schema (vendored in testdata/premis-v3-0.xsd; see the test).

const premisNS = "http://www.loc.gov/premis/v3"

// PREMISPath is where a document's PREMIS file lies in its bag.
func PREMISPath(d *models.Document) string { return "metadata/premis/" + d.ID + ".xml" }

type premisDoc struct {
	XMLName        xml.Name      `xml:"premis"`
	NS             string        `xml:"xmlns,attr"`
	XSI            string        `xml:"xmlns:xsi,attr"`
	SchemaLocation string        `xml:"xsi:schemaLocation,attr"`
	Version        string        `xml:"version,attr"`
	Object         premisObject  `xml:"object"`
	Events         []premisEvent `xml:"event"`
	Agents         []premisAgent `xml:"agent"`
}

type premisObject struct {
	Type            string                `xml:"xsi:type,attr"`
	Identifier      []premisObjectID      `xml:"objectIdentifier"`
	Characteristics premisCharacteristics `xml:"objectCharacteristics"`
	OriginalName    string                `xml:"originalName,omitempty"`
	LinkingEvents   []premisLinkEvent     `xml:"linkingEventIdentifier"`
}

type premisObjectID struct {
	Type  string `xml:"objectIdentifierType"`
	Value string `xml:"objectIdentifierValue"`
}

type premisCharacteristics struct {
	CompositionLevel string       `xml:"compositionLevel"`
	Fixity           premisFixity `xml:"fixity"`
	Size             int64        `xml:"size"`
	Format           premisFormat `xml:"format"`
}

type premisFixity struct {
	Algorithm  string `xml:"messageDigestAlgorithm"`
	Digest     string `xml:"messageDigest"`
	Originator string `xml:"messageDigestOriginator"`
}

type premisFormat struct {
	Designation *premisDesignation `xml:"formatDesignation,omitempty"`
	Registry    *premisRegistry    `xml:"formatRegistry,omitempty"`
	Note        []string           `xml:"formatNote,omitempty"`
}

type premisDesignation struct {
	Name    string `xml:"formatName"`
	Version string `xml:"formatVersion,omitempty"`
}

type premisRegistry struct {
	Name string `xml:"formatRegistryName"`
	Key  string `xml:"formatRegistryKey"`
	Role string `xml:"formatRegistryRole"`
}

type premisLinkEvent struct {
	Type  string `xml:"linkingEventIdentifierType"`
	Value string `xml:"linkingEventIdentifierValue"`
}

type premisEvent struct {
	Identifier premisEventID      `xml:"eventIdentifier"`
	Type       string             `xml:"eventType"`
	DateTime   string             `xml:"eventDateTime"`
	Detail     *premisEventDetail `xml:"eventDetailInformation,omitempty"`
	Outcome    *premisOutcome     `xml:"eventOutcomeInformation,omitempty"`
	Agents     []premisLinkAgent  `xml:"linkingAgentIdentifier"`
	Objects    []premisLinkObject `xml:"linkingObjectIdentifier"`
}

type premisEventID struct {
	Type  string `xml:"eventIdentifierType"`
	Value string `xml:"eventIdentifierValue"`
}

type premisEventDetail struct {
	Detail string `xml:"eventDetail"`
}

type premisOutcome struct {
	Outcome string               `xml:"eventOutcome"`
	Detail  *premisOutcomeDetail `xml:"eventOutcomeDetail,omitempty"`
}

type premisOutcomeDetail struct {
	Note string `xml:"eventOutcomeDetailNote"`
}

func outcome(o, note string) *premisOutcome {
	out := &premisOutcome{Outcome: o}
	if note != "" {
		out.Detail = &premisOutcomeDetail{Note: note}
	}
	return out
}

type premisLinkAgent struct {
	Type  string `xml:"linkingAgentIdentifierType"`
	Value string `xml:"linkingAgentIdentifierValue"`
	Role  string `xml:"linkingAgentRole"`
}

type premisLinkObject struct {
	Type  string `xml:"linkingObjectIdentifierType"`
	Value string `xml:"linkingObjectIdentifierValue"`
	Role  string `xml:"linkingObjectRole,omitempty"`
}

type premisAgent struct {
	Identifier premisAgentID `xml:"agentIdentifier"`
	Name       string        `xml:"agentName"`
	Type       string        `xml:"agentType"`
	Version    string        `xml:"agentVersion,omitempty"`
	Note       string        `xml:"agentNote,omitempty"`
}

type premisAgentID struct {
	Type  string `xml:"agentIdentifierType"`
	Value string `xml:"agentIdentifierValue"`
}

// premisEventTypes names twincms's events in PREMIS's words (the Library
// of Congress's eventType vocabulary where it has one; "text extraction",
// "withdrawal" and "restoration" are local, as Archivematica keeps local
// types beside the vocabulary).
var premisEventTypes = map[models.EventType]string{
	models.EventIngested:         "ingestion",
	models.EventFixityOK:         "fixity check",
	models.EventFixityFailed:     "fixity check",
	models.EventFormatIdentified: "format identification",
	models.EventMetadataChanged:  "metadata modification",
	models.EventWithdrawn:        "withdrawal",
	models.EventRestored:         "restoration",
	models.EventPurged:           "deletion",
}

// Identifier types used in the PREMIS files.
const (
	idTwincms  = "twincms document id"
	idEvent    = "twincms event id"
	idAgent    = "twincms agent"
	idSoftware = "software"
)

// PREMIS makes doc's PREMIS 3.0 XML from its record and history. software
// is twincms's version (its agent's agentVersion).
func PREMIS(doc *models.Document, events []models.Event, software string) ([]byte, error) {
	p := premisDoc{NS: premisNS, XSI: "http://www.w3.org/2001/XMLSchema-instance",
		SchemaLocation: premisNS + " http://www.loc.gov/standards/premis/v3/premis.xsd", Version: "3.0"}
	obj := premisObjectID{Type: idTwincms, Value: doc.ID}
	p.Object = premisObject{Type: "file", Identifier: []premisObjectID{obj},
		Characteristics: premisCharacteristics{CompositionLevel: "0",
			Fixity: premisFixity{Algorithm: "SHA-256", Digest: doc.File.SHA256, Originator: "twincms"},
			Size:   doc.File.Size, Format: premisFormatOf(doc)},
		OriginalName: doc.File.OriginalFilename}
	agents := newAgentSet(software)
	events = append([]models.Event(nil), events...)
	if ev, ok := textEvent(doc); ok {
		events = append(events, ev)
	}
	sort.SliceStable(events, func(i, j int) bool { return events[i].At.Before(events[j].At) })
	for _, ev := range events {
		pe, ok := agents.event(ev, doc, obj)
		if !ok {
			continue
		}
		p.Events = append(p.Events, pe)
		p.Object.LinkingEvents = append(p.Object.LinkingEvents, premisLinkEvent{Type: idEvent, Value: ev.ID})
	}
	p.Agents = agents.list
	out, err := xml.MarshalIndent(p, "", "  ")
	if err != nil {
		return nil, err
	}
	return append([]byte(xml.Header), append(out, '\n')...), nil
}

// premisFormatOf is the file's format: its PRONOM identification, or
// the type twincms detected while it is not identified yet.
func premisFormatOf(doc *models.Document) premisFormat {
	f := doc.Format
	if f == nil {
		return premisFormat{Designation: &premisDesignation{Name: doc.File.ContentType},
			Note: []string{"not identified yet; the media type twincms detected at ingest"}}
	}
	out := premisFormat{Designation: &premisDesignation{Name: f.Name, Version: f.Version}}
	if f.PUID != "" && f.PUID != "UNKNOWN" {
		out.Registry = &premisRegistry{Name: "PRONOM", Key: f.PUID, Role: "specification"}
	}
	if f.Basis != "" {
		out.Note = append(out.Note, "identified by "+f.Tool+": "+f.Basis)
	}
	return out
}

// textEvent is the text extraction as an event (the text facts carry
// its engine, version, languages and time).
func textEvent(doc *models.Document) (models.Event, bool) {
	t := doc.Text
	if t == nil || (t.Status != models.TextDone && t.Status != models.TextNone) {
		return models.Event{}, false
	}
	detail := t.Source
	if t.Engine != "" {
		detail += " by " + strings.TrimSpace(t.Engine+" "+t.EngineVersion)
	}
	if len(t.Languages) > 0 {
		detail += ", languages " + strings.Join(t.Languages, "+")
	}
	if t.Pages > 0 {
		detail += ", " + strconv.Itoa(t.Pages) + " pages"
	}
	if t.Confidence > 0 {
		detail += ", mean confidence " + strconv.FormatFloat(t.Confidence, 'f', 1, 64)
	}
	if t.Status == models.TextNone {
		detail += "; the file holds no text"
	}
	return models.Event{ID: doc.ID + "-text_extracted", DocumentID: doc.ID, Type: "text_extracted", At: t.UpdatedAt,
		Actor: "text-extraction", Detail: detail}, true
}

// agentSet collects the agents the events link to, each listed once.
type agentSet struct {
	list []premisAgent
	seen map[string]bool
	self premisLinkAgent
}

func newAgentSet(software string) *agentSet {
	a := &agentSet{seen: map[string]bool{}}
	a.self = a.add(premisAgent{Identifier: premisAgentID{Type: idSoftware, Value: "twincms"}, Name: "twincms", Type: "software", Version: software},
		"executing program")
	return a
}

func (a *agentSet) add(ag premisAgent, role string) premisLinkAgent {
	if !a.seen[ag.Identifier.Type+"\x00"+ag.Identifier.Value] {
		a.seen[ag.Identifier.Type+"\x00"+ag.Identifier.Value] = true
		a.list = append(a.list, ag)
	}
	return premisLinkAgent{Type: ag.Identifier.Type, Value: ag.Identifier.Value, Role: role}
}

// actor is the person or token who caused an event ("user:<id>",
// "token:<id>", or a name), or a background job's kebab-case name
// ("format-identification"), which twincms's own agent stands for.
func (a *agentSet) actor(actor string) (premisLinkAgent, bool) {
	switch {
	case strings.HasPrefix(actor, "user:"):
		return a.add(premisAgent{Identifier: premisAgentID{Type: idAgent, Value: actor}, Name: actor, Type: "person"}, "authorizer"), true
	case strings.HasPrefix(actor, "token:"):
		return a.add(premisAgent{Identifier: premisAgentID{Type: idAgent, Value: actor}, Name: actor, Type: "software",
			Note: "an API token's client"}, "authorizer"), true
	case actor != "" && !strings.Contains(actor, "-"):
		return a.add(premisAgent{Identifier: premisAgentID{Type: idAgent, Value: actor}, Name: actor, Type: "person"}, "authorizer"), true
	}
	return premisLinkAgent{}, false
}

// program is the tool an event's detail names: siegfried for format
// identification, the text engine for extraction.
func (a *agentSet) program(name, version, note string) premisLinkAgent {
	return a.add(premisAgent{Identifier: premisAgentID{Type: idSoftware, Value: strings.TrimSpace(name + " " + version)},
		Name: name, Type: "software", Version: version, Note: note}, "executing program")
}

func (a *agentSet) event(ev models.Event, doc *models.Document, obj premisObjectID) (premisEvent, bool) {
	kind, ok := premisEventTypes[ev.Type]
	if ev.Type == "text_extracted" {
		kind, ok = "text extraction", true
	}
	if !ok {
		return premisEvent{}, false
	}
	pe := premisEvent{Identifier: premisEventID{Type: idEvent, Value: ev.ID}, Type: kind,
		DateTime: ev.At.UTC().Format(time.RFC3339Nano), Agents: []premisLinkAgent{a.self},
		Objects: []premisLinkObject{{Type: obj.Type, Value: obj.Value, Role: "source"}}}
	if ev.Detail != "" {
		pe.Detail = &premisEventDetail{Detail: ev.Detail}
	}
	switch ev.Type {
	case models.EventFixityOK:
		pe.Outcome = outcome("pass", "SHA-256 "+doc.File.SHA256)
	case models.EventFixityFailed:
		pe.Outcome = outcome("fail", "")
	case models.EventIngested:
		pe.Outcome = outcome("success", "SHA-256 computed on receipt: "+doc.File.SHA256)
	case models.EventFormatIdentified:
		if doc.Format != nil {
			name, version, _ := strings.Cut(strings.SplitN(doc.Format.Tool, ";", 2)[0], " ")
			pe.Agents = append(pe.Agents, a.program(name, version, doc.Format.Tool))
			pe.Outcome = outcome("success", doc.Format.PUID)
		}
	case "text_extracted":
		if t := doc.Text; t != nil && t.Engine != "" {
			pe.Agents = append(pe.Agents, a.program(t.Engine, t.EngineVersion, ""))
		}
		pe.Outcome = outcome("success", "")
	}
	if who, ok := a.actor(ev.Actor); ok {
		pe.Agents = append(pe.Agents, who)
	}
	return pe, true
}
