package handlers

import (
	"context"

	"github.com/jesenice/twincms/models"
)

var (
	editors    = []models.Role{models.RoleEditor}
	admins     = []models.Role{models.RoleAdmin}
	listParams = []string{"status", "unpublished_changes", "q", "sort", "page", "per_page"}
	// originalTypes are the types an original can have (detected at upload).
	originalTypes = []string{"application/pdf", "image/png", "image/jpeg", "image/tiff", "image/webp"}
)

// routes shows every route at a glance.
func (a *API) routes() {
	a.publicRoutes()
	if a.d.Site != nil {
		a.handle("GET", "/", op{Summary: "The demo website", Tag: "site", Produces: []string{"text/html"}}, a.siteIndex)
		a.handle("GET", "/izjava-o-dostopnosti", op{Summary: "The demo website's accessibility statement page", Tag: "site", Produces: []string{"text/html"}}, a.siteStatement)
		a.handle("GET", "/site/:file", op{Summary: "The demo website's files", Tag: "site", Produces: []string{"text/html", "text/css", "text/javascript"}}, a.siteFile)
	}
	if a.d.Admin != nil {
		a.handle("GET", "/admin", op{Summary: "The admin web UI (/admin redirects to /admin/)", Tag: "site", Produces: []string{"text/html"}, Redirects: true}, a.adminIndex)
		a.handle("GET", "/admin/:file", op{Summary: "The admin web UI's files", Tag: "site", Produces: []string{"text/html", "text/css", "text/javascript"}}, a.adminFile)
	}
	a.oaiRoutes()
	a.accessibilityRoutes()
	a.handle("GET", "/healthz", op{Summary: "Process is up", Tag: "system", Response: "Health"}, a.healthz)
	a.handle("GET", "/readyz", op{Summary: "Database and object store reachable (503 otherwise)", Tag: "system", Response: "Health", Also: []int{503}}, a.readyz)
	if !a.d.MetricsElsewhere {
		a.metricsRoute()
	}
	a.handle("GET", "/openapi.json", op{Summary: "This OpenAPI 3.1 document", Tag: "system", Produces: []string{"application/json"}}, a.openAPI)
	a.handle("GET", "/docs", op{Summary: "The API reference (this document, rendered)", Tag: "system", Produces: []string{"text/html"}}, a.apiDocs)
	a.handle("GET", "/docs/:file", op{Summary: "The API reference's renderer", Tag: "system", Produces: []string{"text/javascript"}}, a.apiDocsFile)

	a.handle("POST", "/api/v1/tokens", op{Summary: "Create a token; its secret is shown once", Tag: "tokens", Roles: admins, Request: "TokenInput", Response: "TokenCreated", Status: 201}, a.createToken)
	a.handle("GET", "/api/v1/tokens", op{Summary: "List tokens (never their secrets)", Tag: "tokens", Roles: admins, Response: "TokenList"}, a.listTokens)
	a.handle("DELETE", "/api/v1/tokens/:id", op{Summary: "Revoke a token", Tag: "tokens", Roles: admins, Status: 204}, a.deleteToken)

	if a.d.Accounts != nil {
		a.accountRoutes()
	}

	webhook := "/api/v1/webhooks/:id"
	a.handle("POST", "/api/v1/webhooks", op{Summary: "Create a webhook; its whsec_ signing secret is shown once", Tag: "webhooks", Roles: admins, Request: "WebhookInput", Response: "WebhookCreated", Status: 201}, a.createWebhook)
	a.handle("GET", "/api/v1/webhooks", op{Summary: "List webhooks (never their secrets)", Tag: "webhooks", Roles: admins, Response: "WebhookList"}, a.listWebhooks)
	a.handle("GET", webhook, op{Summary: "One webhook", Tag: "webhooks", Roles: admins, Response: "Webhook"}, a.getWebhook)
	a.handle("PATCH", webhook, op{Summary: "Change url, events, description or active (merge patch)", Tag: "webhooks", Roles: admins, Request: "WebhookPatch", Response: "Webhook"}, a.patchWebhook)
	a.handle("DELETE", webhook, op{Summary: "Delete a webhook; its pending deliveries fail", Tag: "webhooks", Roles: admins, Status: 204}, a.deleteWebhook)
	a.handle("GET", webhook+"/deliveries", op{Summary: "Deliveries, newest first: attempts, status codes, next attempt, final state", Tag: "webhooks", Roles: admins, Response: "DeliveryList", Query: []string{"page", "per_page"}}, a.webhookDeliveries)
	a.handle("POST", webhook+"/deliveries/:delivery_id/redeliver", op{Summary: "Send a delivery again now (same webhook-id), with a fresh round of attempts", Tag: "webhooks", Roles: admins, Response: "Delivery", Status: 202}, a.redeliver)
	auditQuery := []string{"actor", "resource", "action", "from", "to", "page", "per_page"}
	a.handle("GET", "/api/v1/audit", op{Summary: "The audit log, newest first, with filters and paging", Tag: "audit", Roles: admins, Response: "AuditList", Query: auditQuery}, a.listAudit)
	a.handle("GET", "/api/v1/audit.jsonl", op{Summary: "The audit log as JSON Lines, streamed (filters as /audit, no paging)", Tag: "audit", Roles: admins, Query: auditQuery[:5], Produces: []string{"application/jsonl"}}, a.exportAudit)

	if a.d.Backups != nil {
		a.handle("POST", "/api/v1/backups", op{Summary: "Back up the database (one consistent snapshot) and every object to the configured target, in the background: 202 with the run; 409 while one runs or when none can run here", Tag: "backups", Roles: admins, Response: "BackupRun", Status: 202, Also: []int{409}}, a.startBackup)
		a.handle("GET", "/api/v1/backups", op{Summary: "The running backup with its progress (bytes, files, rate, ETA), the last outcome and the backups kept", Tag: "backups", Roles: admins, Response: "BackupStatus"}, a.backupStatus)
	}
	a.handle("GET", "/api/v1/me", op{Summary: "Who the caller is: a token or a signed-in person (type, id, name, role; a person's email, second factor and the session's CSRF token)", Tag: "tokens", Roles: everyone, Response: "Me"}, a.me)
	a.handle("GET", "/api/v1/storage", op{Summary: "Documents kept and bytes stored (originals and renditions)", Tag: "documents", Roles: everyone, Response: "StorageUsage"}, a.storageUsage)

	a.handle("GET", "/api/v1/vocabularies", op{Summary: "Relations, agreement kinds and cooperation areas with localized labels", Tag: "public", Response: "Vocabularies"}, a.vocabularies)

	registerContent(a, "/api/v1/partnerships", "partnerships", "Partnership", append(listParams, "relation", "country", "area"),
		&contentHandlers[models.Partnership, *models.Partnership]{api: a, service: a.d.Partnerships})
	registerContent(a, "/api/v1/blocks", "blocks", "Block", listParams,
		&contentHandlers[models.Block, *models.Block]{api: a, service: a.d.Blocks})
	registerContent(a, "/api/v1/pages", "pages", "Page", listParams,
		&contentHandlers[models.ContentPage, *models.ContentPage]{api: a, service: a.d.Pages})

	ifm := []string{"If-Match"}
	if a.d.Schedules != nil {
		for _, k := range []struct {
			base string
			r    models.Resource
		}{{"/api/v1/partnerships", models.ResourcePartnership}, {"/api/v1/blocks", models.ResourceBlock}, {"/api/v1/pages", models.ResourcePage}} {
			a.handle("POST", k.base+"/:id/schedule", op{Summary: "Schedule a publish (of a version) or an unpublish. " + scheduleRules, Tag: "schedules", Roles: editors, Request: "ScheduleInput", Response: "Schedule", Status: 201, Headers: ifm}, a.createSchedule(k.r))
		}
		a.handle("GET", "/api/v1/schedules", op{Summary: "Schedules, the soonest first, filtered by resource and status", Tag: "schedules", Roles: editors, Response: "ScheduleList", Query: []string{"resource", "status", "page", "per_page"}}, a.listSchedules)
		a.handle("GET", "/api/v1/schedules/:id", op{Summary: "One schedule: its status, when it ran and whether late", Tag: "schedules", Roles: editors, Response: "Schedule"}, a.getSchedule)
		a.handle("DELETE", "/api/v1/schedules/:id", op{Summary: "Cancel a pending schedule (409 once it ran, was cancelled, or while it runs)", Tag: "schedules", Roles: editors, Response: "Schedule", Also: []int{409}}, a.cancelSchedule)
	}
	if a.d.PreviewLinks != nil {
		for _, k := range []struct {
			base   string
			r      models.Resource
			exists func(ctx context.Context, id string) error
		}{
			{"/api/v1/partnerships", models.ResourcePartnership, func(ctx context.Context, id string) error { _, err := a.d.Partnerships.Get(ctx, id); return err }},
			{"/api/v1/pages", models.ResourcePage, func(ctx context.Context, id string) error { _, err := a.d.Pages.Get(ctx, id); return err }},
		} {
			a.handle("POST", k.base+"/:id/preview-links", op{Summary: "Make a draft preview link. " + previewRules, Tag: "previews", Roles: editors, Request: "PreviewLinkInput", Response: "PreviewLinkCreated", Status: 201}, a.createPreviewLink(k.r, k.exists))
			a.handle("DELETE", k.base+"/:id/preview-links/:link_id", op{Summary: "Revoke a preview link: it stops working at once", Tag: "previews", Roles: editors, Status: 204}, a.revokePreviewLink)
		}
		a.handle("GET", "/api/v1/public/preview", op{Summary: "The draft a preview link's token grants, rendered as the public API renders published content (the demo website's /preview page reads it). 403 when the token is invalid, expired or revoked", Tag: "previews", Response: "PreviewView", Query: []string{"token", "locale"}, Headers: []string{"Accept-Language"}, Also: []int{403, 503}}, a.publicPreview)
		if a.d.Site != nil {
			a.handle("GET", "/preview", op{Summary: "The demo website's draft preview page (marked as a draft; its script reads the token from the query)", Tag: "site", Produces: []string{"text/html"}}, a.previewPage)
		}
	}
	docQuery := []string{"kind", "partnership", "status", "sha256", "puid", "q", "year_from", "year_to", "page", "per_page"}
	a.handle("POST", "/api/v1/documents", op{Summary: "Upload a document (multipart: metadata JSON, then file), streamed and hashed", Tag: "documents", Roles: editors, Request: "DocumentUpload", Response: "Document", Status: 201, Timeout: longRequest, Also: []int{409}}, a.uploadDocument)
	a.handle("GET", "/api/v1/documents", op{Summary: "List documents", Tag: "documents", Roles: editors, Response: "DocumentList", Query: docQuery}, a.listDocuments)
	a.handle("GET", "/api/v1/documents/:id", op{Summary: "A document's description and file facts", Tag: "documents", Roles: editors, Response: "Document"}, a.getDocument)
	a.handle("PATCH", "/api/v1/documents/:id", op{Summary: "Change the description (merge patch); needs If-Match", Tag: "documents", Roles: editors, Request: "DocumentInput", Response: "Document", Headers: ifm}, a.patchDocument)
	a.handle("DELETE", "/api/v1/documents/:id", op{Summary: "Withdraw (the original is kept); needs If-Match. 409 while published content shows it (a published partnership's crest or document, or the accessible alternative of one): the problem's used_by names each use", Tag: "documents", Roles: editors, Response: "Document", Headers: ifm, Also: []int{409}}, a.withdrawDocument)
	a.handle("POST", "/api/v1/documents/:id/restore", op{Summary: "Restore a withdrawn document; needs If-Match", Tag: "documents", Roles: editors, Response: "Document", Headers: ifm, Also: []int{409}}, a.restoreDocument)
	a.handle("POST", "/api/v1/documents/:id/purge", op{Summary: "Remove a document and its files for good (admin). 409 while published content shows it, as for withdraw (used_by)", Tag: "documents", Roles: admins, Status: 204, Also: []int{409}}, a.purgeDocument)
	if a.d.Texts != nil {
		a.handle("GET", "/api/v1/documents/:id/text", op{Summary: "The text extracted from the file (text layer or OCR) as text/plain: a plain-text alternative; 404 with the reason when there is none", Tag: "documents", Roles: editors, Produces: []string{"text/plain"}}, a.documentText)
	}
	thumb := "A small PNG picture of the document (at most 256 px): a PDF's first page (rendered in the background when poppler's pdftoppm is installed), a scaled image, or a crest's largest rendition; 404 with the reason when there is none (the UI shows a type icon). Cached with an ETag; If-None-Match answers 304"
	a.handle("GET", "/api/v1/documents/:id/thumbnail", op{Summary: thumb, Tag: "documents", Roles: everyone, Produces: []string{"image/png"}, Headers: []string{"If-None-Match"}, Also: []int{304}}, a.documentThumbnail)
	a.handle("GET", "/api/v1/documents/:id/download", op{Summary: "Redirect (302) to a fresh signed link with the original file name", Tag: "documents", Roles: editors, Status: 302, Also: []int{410}}, a.downloadDocument)
	if a.d.DownloadLinks != nil {
		a.handle("POST", "/api/v1/documents/:id/download-link", op{Summary: "A short-lived link that downloads the original without credentials (410 when withdrawn). " + downloadLinkRules, Tag: "documents", Roles: editors, Response: "DownloadLink", Also: []int{410}}, a.documentDownloadLink)
	}
	a.handle("POST", "/api/v1/uploads", op{Summary: "Start a direct upload: a signed PUT URL and the headers to send", Tag: "documents", Roles: editors, Request: "UploadRequest", Response: "UploadTicket", Status: 201}, a.startUpload)
	a.handle("POST", "/api/v1/uploads/:id/complete", op{Summary: "Verify size, SHA-256 and type of the uploaded object and create the document", Tag: "documents", Roles: editors, Response: "Document", Status: 201, Timeout: longRequest, Also: []int{409, 410, 415, 422}}, a.completeUpload)

	archivists := []models.Role{models.RoleArchivist}
	a.handle("GET", "/api/v1/archive/documents", op{Summary: "Find documents (withdrawn included). With q: full-text search (every word must match in titles, descriptions, partnership names, kind, year, archival reference or extracted text; diacritics folded; Slovenian and German word forms), ranked by relevance, each item with search.snippet (escaped HTML, matches in <mark>), search.terms and search.score; the other filters combine with it", Tag: "archive", Roles: archivists, Response: "DocumentList", Query: docQuery}, a.listDocuments)
	a.handle("GET", "/api/v1/archive/documents/:id", op{Summary: "File facts, provenance and the event history", Tag: "archive", Roles: archivists, Response: "ArchiveDocument"}, a.archiveDocument)
	a.handle("GET", "/api/v1/archive/documents/:id/original", op{Summary: "The original bytes (Range supported) with Repr-Digest and X-Checksum-Sha256", Tag: "archive", Roles: archivists, Headers: []string{"Range"}, Timeout: longRequest, Produces: originalTypes}, a.archiveOriginal)
	a.handle("POST", "/api/v1/archive/documents/:id/fixity", op{Summary: "Re-read the object, recompute SHA-256, record fixity_ok or fixity_failed", Tag: "archive", Roles: archivists, Response: "Event", Timeout: longRequest}, a.checkFixity)
	if a.d.Texts != nil && a.d.TextExtraction != nil {
		a.handle("GET", "/api/v1/archive/documents/:id/text", op{Summary: "The text extracted from the file (text layer or OCR) as text/plain; 404 with the reason when there is none (not yet extracted, no text, OCR unavailable, failed)", Tag: "archive", Roles: archivists, Produces: []string{"text/plain"}}, a.documentText)
		a.handle("POST", "/api/v1/archive/documents/:id/text", op{Summary: "Extract the text again (after a failure, or with OCR newly installed): queues it and answers at once with the record (text.status queued); 409 while it runs or when withdrawn", Tag: "archive", Roles: archivists, Response: "Document", Status: 202, Also: []int{409}}, a.requeueText)
		a.handle("GET", "/api/v1/archive/text-extraction", op{Summary: "Text extraction: whether OCR and text-layer extraction are available (engines, languages) and active documents by state", Tag: "archive", Roles: archivists, Response: "TextExtractionState"}, a.textExtraction)
	}
	a.handle("GET", "/api/v1/archive/fixity", op{Summary: "The audit in progress and the last audit's results", Tag: "archive", Roles: archivists, Response: "FixityState"}, a.fixityState)
	a.handle("POST", "/api/v1/archive/fixity/run", op{Summary: "Run a full audit now (409 while another instance audits)", Tag: "archive", Roles: archivists, Response: "FixityRun", Timeout: longRequest, Also: []int{409}}, a.runAudit)
	a.handle("GET", "/api/v1/archive/partnerships", op{Summary: "Every partnership's id, slug, name and status, to filter by or export", Tag: "archive", Roles: archivists, Response: "ArchivePartnershipList"}, a.archivePartnerships)
	a.handle("GET", "/api/v1/archive/partnerships/:id/bag", op{Summary: "BagIt 1.0 zip of the partnership's documents, streamed; unpacks into one directory named like the file", Tag: "archive", Roles: archivists, Timeout: longRequest, Produces: []string{"application/zip"}, Also: []int{409}}, a.bag)
	if a.d.DownloadLinks != nil {
		a.handle("POST", "/api/v1/archive/documents/:id/original-link", op{Summary: "A short-lived link that downloads the original (withdrawn too) without credentials. " + downloadLinkRules, Tag: "archive", Roles: archivists, Response: "DownloadLink"}, a.originalDownloadLink)
		a.handle("POST", "/api/v1/archive/partnerships/:id/bag-link", op{Summary: "A short-lived link that downloads the partnership's BagIt zip without credentials. " + downloadLinkRules, Tag: "archive", Roles: archivists, Response: "DownloadLink"}, a.bagDownloadLink)
		a.downloadRoutes()
	}
	a.handle("POST", "/api/v1/archive/ingests", op{Summary: "Bulk ingest a zipped BagIt bag: its manifests are verified before anything is stored, then every file is ingested as an upload would be (already stored bytes are skipped); 202 with the job, whose status is at Location", Tag: "archive", Roles: archivists, Request: "BagZip", Response: "IngestJob", Status: 202, Timeout: longRequest}, a.submitIngest)
	a.handle("GET", "/api/v1/archive/ingests/:id", op{Summary: "A bulk ingest job: status (queued, verifying, ingesting, done, failed), counts and the files that failed", Tag: "archive", Roles: archivists, Response: "IngestJob"}, a.ingestJob)

}

// publicRoutes are the public website's routes. They are registered
// first: Fiber tries a method's routes in registration order, so the
// busiest routes, served from memory, are found before the seventy
// editor and archive routes rather than after them.
func (a *API) publicRoutes() {
	loc := []string{"locale"}
	lang := []string{"Accept-Language", "If-None-Match", "If-Modified-Since"}
	a.handle("GET", "/api/v1/public/pages/:slug", op{Summary: "A published page with its blocks and partnerships", Tag: "public", Response: "PublicPage", Query: loc, Headers: lang, InMemory: true}, a.publicPage)
	a.handle("GET", "/api/v1/public/partnerships", op{Summary: "Published partnerships in page order", Tag: "public", Response: "PublicPartnershipList", Query: loc, Headers: lang, InMemory: true}, a.publicPartnerships)
	a.handle("GET", "/api/v1/public/partnerships/:slug", op{Summary: "One published partnership", Tag: "public", Response: "PublicPartnership", Query: loc, Headers: lang, InMemory: true}, a.publicPartnership)
	file := "Follow a public file link (the url of a public document or crest rendition): checks its signature, its expiry and that the document is still published (a draft preview's link, draft=1: still active), then redirects (302) to a 60 s object-store link with the original UTF-8 file name. A twincms URL rather than a presigned one so that withdraw and purge revoke links at once"
	sig := []string{"exp", "draft", "sig"}
	a.handle("GET", "/api/v1/public/files/:id", op{Summary: file, Tag: "public", Status: 302, Query: sig, Also: []int{403, 410}}, a.publicFile)
	a.handle("GET", "/api/v1/public/files/:id/:rendition", op{Summary: file, Tag: "public", Status: 302, Query: sig, Also: []int{403, 410}}, a.publicFile)
	if a.d.Texts != nil && a.d.PublishedDocument != nil {
		a.handle("GET", "/api/v1/public/documents/:id/text", op{Summary: "The plain-text alternative of a published document's file (its extracted text); 404 for a document not published, withdrawn, or without text", Tag: "public", Produces: []string{"text/plain"}}, a.publicDocumentText)
	}
	if a.d.PublishedDocument != nil {
		a.handle("GET", "/api/v1/public/documents/:id/thumbnail", op{Summary: "The thumbnail of a document published content shows (as /documents/{id}/thumbnail); 404 for any other", Tag: "public", Produces: []string{"image/png"}, Headers: []string{"If-None-Match"}, Also: []int{304}}, a.publicDocumentThumbnail)
	}
	if a.d.FullText != nil && a.d.PublicDocuments != nil {
		a.handle("GET", "/api/v1/public/documents", op{Summary: "Find published documents by their words: every word must match (titles, descriptions, partnership names, kind, year, archival reference, extracted text; diacritics folded, Slovenian and German word forms), best first, each with a snippet whose matched words are in <mark>; without q every published document, newest year first. Withdrawn and unpublished documents are never found", Tag: "public", Response: "PublicDocumentList", Query: append(loc, "q", "kind", "year_from", "year_to", "page", "per_page"), Headers: lang}, a.publicSearch)
	}
	a.handle("GET", "/api/v1/public/blocks/:key", op{Summary: "One published block", Tag: "public", Response: "PublicBlock", Query: loc, Headers: lang, InMemory: true}, a.publicBlock)
}

// registerContent adds the editor endpoints of one content type.
func registerContent[T any, P item[T]](a *API, base, tag, schema string, query []string, h *contentHandlers[T, P]) {
	ifm := []string{"If-Match"}
	a.handle("POST", base, op{Summary: "Create a draft", Tag: tag, Roles: editors, Request: schema + "Input", Response: schema, Status: 201, Also: []int{409}}, h.create)
	a.handle("GET", base, op{Summary: "List with filters, sort and paging", Tag: tag, Roles: editors, Response: schema + "List", Query: query}, h.list)
	a.handle("GET", base+"/:id", op{Summary: "Get the current version", Tag: tag, Roles: editors, Response: schema}, h.get)
	a.handle("PATCH", base+"/:id", op{Summary: "Change fields (JSON merge patch); needs If-Match. Of a published record this changes its draft only: the public API keeps serving published_version until publish", Tag: tag, Roles: editors, Request: schema + "Input", Response: schema, Headers: ifm, Also: []int{409}}, h.patch)
	a.handle("DELETE", base+"/:id", op{Summary: "Delete with its history; needs If-Match", Tag: tag, Roles: editors, Status: 204, Headers: ifm}, h.delete)
	publish := op{Summary: "Publish (a published record's draft: publish changes); needs If-Match. 409 when published without a draft", Tag: tag, Roles: editors, Response: schema, Headers: ifm, Also: []int{409}}
	if schema == "Partnership" {
		// A partnership shows its crest: 422 (field crest_id) while the crest
		// has no alt text in one of the partnership's locales and is not decorative.
		publish.Summary += "; 422 (crest_id) while its crest lacks alt text in one of its locales and is not decorative"
		publish.Also = append(publish.Also, 422)
	}
	a.handle("POST", base+"/:id/publish", publish, h.action(models.ActionPublish))
	a.handle("POST", base+"/:id/discard-draft", op{Summary: "Discard the draft: the content becomes the published version's again (a new version); needs If-Match. 409 when there is no draft or nothing was published", Tag: tag, Roles: editors, Response: schema, Headers: ifm, Also: []int{409}}, h.discardDraft)
	a.handle("POST", base+"/:id/unpublish", op{Summary: "Take off the public (the draft is kept); needs If-Match", Tag: tag, Roles: editors, Response: schema, Headers: ifm, Also: []int{409}}, h.action(models.ActionUnpublish))
	a.handle("POST", base+"/:id/archive", op{Summary: "Archive (the draft is kept); needs If-Match", Tag: tag, Roles: editors, Response: schema, Headers: ifm, Also: []int{409}}, h.action(models.ActionArchive))
	a.handle("GET", base+"/:id/versions", op{Summary: "Version history, newest first", Tag: tag, Roles: editors, Response: "VersionList"}, h.versions)
	a.handle("GET", base+"/:id/versions/:version", op{Summary: "One version with its snapshot", Tag: tag, Roles: editors, Response: "Version"}, h.version)
	a.handle("GET", base+"/:id/versions/:version/diff", op{Summary: "What changed from version against (default: the one before; 0 is the empty document; published: the published version, to compare a draft with it) to this version, as RFC 6902 operations on the editable fields; localized fields per locale, arrays by index", Tag: tag, Roles: editors, Response: "VersionDiff", Query: []string{"against"}, Also: []int{409}}, h.diff)
	a.handle("POST", base+"/:id/versions/:version/restore", op{Summary: "Restore an earlier version as a new version; needs If-Match", Tag: tag, Roles: editors, Response: schema, Headers: ifm}, h.restore)
}

// downloadRoutes follow the admin UI's download links: no credentials,
// the query's signature instead (403 when it does not check, expired, or
// the file changed since; 404 when a good link's file was purged).
func (a *API) downloadRoutes() {
	sig := []string{"v", "exp", "sig"}
	a.handle("GET", "/api/v1/downloads/documents/:id", op{Summary: "Follow an editor's download link (POST /documents/{id}/download-link): redirects (302) to a fresh object-store link with the original file name; 410 when withdrawn since", Tag: "documents", Status: 302, Query: sig, Also: []int{403, 410}}, a.linkedDocumentDownload)
	a.handle("GET", "/api/v1/downloads/originals/:id", op{Summary: "Follow an archivist's download link (POST /archive/documents/{id}/original-link): the original bytes (Range supported) with Repr-Digest, as an attachment under its name", Tag: "archive", Query: sig, Headers: []string{"Range"}, Timeout: longRequest, Produces: originalTypes, Also: []int{403}}, a.linkedOriginal)
	a.handle("GET", "/api/v1/downloads/bags/:id", op{Summary: "Follow an archivist's bag link (POST /archive/partnerships/{id}/bag-link): the BagIt 1.0 zip, streamed", Tag: "archive", Query: sig, Timeout: longRequest, Produces: []string{"application/zip"}, Also: []int{403, 409}}, a.linkedBag)
}
