package models

// Relation is the kind of tie with a partner municipality.
type Relation string

// Relations as the page names them.
const (
	RelationTwin        Relation = "twin"         // pobratena občina
	RelationPartner     Relation = "partner"      // partnerska občina
	RelationFriendship  Relation = "friendship"   // prijateljska občina
	RelationCrossBorder Relation = "cross_border" // čezmejno sodelovanje
)

// AgreementKind is the kind of document that founded or renewed a relation.
type AgreementKind string

// Agreement kinds.
const (
	AgreementCharter     AgreementKind = "charter"                // listina o pobratenju
	AgreementCooperation AgreementKind = "cooperation_agreement"  // pogodba o sodelovanju
	AgreementPartnership AgreementKind = "partnership_agreement"  // pogodba o partnerskem sodelovanju
	AgreementCrossBorder AgreementKind = "cross_border_agreement" // dogovor o čezmejnem sodelovanju
)

// Term is one entry of a controlled vocabulary with its localized labels.
type Term struct {
	Code   string    `json:"code"`
	Labels Localized `json:"labels"`
}

// Relations is the relation vocabulary.
var Relations = []Term{
	{string(RelationTwin), Localized{"sl": "pobratena občina", "en": "twin town", "de": "Partnerstadt", "it": "città gemellata", "sr": "братски град"}},
	{string(RelationPartner), Localized{"sl": "partnerska občina", "en": "partner municipality", "de": "Partnergemeinde", "it": "comune partner", "sr": "партнерска општина"}},
	{string(RelationFriendship), Localized{"sl": "prijateljska občina", "en": "friendship town", "de": "befreundete Gemeinde", "it": "comune amico", "sr": "пријатељска општина"}},
	{string(RelationCrossBorder), Localized{"sl": "čezmejno sodelovanje", "en": "cross-border cooperation", "de": "grenzüberschreitende Zusammenarbeit", "it": "cooperazione transfrontaliera", "sr": "прекогранична сарадња"}},
}

// AgreementKinds is the agreement vocabulary.
var AgreementKinds = []Term{
	{string(AgreementCharter), Localized{"sl": "Listina o pobratenju", "en": "Twinning charter", "de": "Partnerschaftsurkunde", "it": "Carta di gemellaggio", "sr": "Повеља о братимљењу"}},
	{string(AgreementCooperation), Localized{"sl": "Pogodba o sodelovanju", "en": "Cooperation agreement", "de": "Kooperationsvertrag", "it": "Accordo di cooperazione", "sr": "Уговор о сарадњи"}},
	{string(AgreementPartnership), Localized{"sl": "Pogodba o partnerskem sodelovanju", "en": "Partnership agreement", "de": "Partnerschaftsvertrag", "it": "Accordo di partenariato", "sr": "Уговор о партнерској сарадњи"}},
	{string(AgreementCrossBorder), Localized{"sl": "Dogovor o čezmejnem sodelovanju", "en": "Cross-border cooperation agreement", "de": "Vereinbarung über grenzüberschreitende Zusammenarbeit", "it": "Accordo di cooperazione transfrontaliera", "sr": "Споразум о прекограничној сарадњи"}},
}

// Areas is the controlled vocabulary of cooperation areas.
var Areas = []Term{
	{"culture", Localized{"sl": "kultura", "en": "culture", "de": "Kultur", "it": "cultura", "sr": "култура"}},
	{"sport", Localized{"sl": "šport", "en": "sport", "de": "Sport", "it": "sport", "sr": "спорт"}},
	{"education", Localized{"sl": "izobraževanje", "en": "education", "de": "Bildung", "it": "istruzione", "sr": "образовање"}},
	{"tourism", Localized{"sl": "turizem", "en": "tourism", "de": "Tourismus", "it": "turismo", "sr": "туризам"}},
	{"economy", Localized{"sl": "gospodarstvo", "en": "economy", "de": "Wirtschaft", "it": "economia", "sr": "привреда"}},
	{"firefighting", Localized{"sl": "gasilstvo", "en": "firefighting", "de": "Feuerwehr", "it": "vigili del fuoco", "sr": "ватрогаство"}},
	{"schooling", Localized{"sl": "šolstvo", "en": "schooling", "de": "Schulwesen", "it": "scuola", "sr": "школство"}},
	{"upbringing", Localized{"sl": "vzgoja", "en": "upbringing", "de": "Erziehung", "it": "educazione", "sr": "васпитање"}},
	{"socio_political", Localized{"sl": "družbenopolitično področje", "en": "socio-political life", "de": "Gesellschaftspolitik", "it": "vita socio-politica", "sr": "друштвено-политички живот"}},
	{"youth", Localized{"sl": "mladina", "en": "youth", "de": "Jugend", "it": "gioventù", "sr": "омладина"}},
	{"administration", Localized{"sl": "uprave", "en": "public administration", "de": "Verwaltung", "it": "amministrazione", "sr": "управа"}},
	{"associations", Localized{"sl": "društva in združenja", "en": "associations", "de": "Vereine", "it": "associazioni", "sr": "удружења"}},
	{"cross_border_projects", Localized{"sl": "čezmejni projekti", "en": "cross-border projects", "de": "grenzüberschreitende Projekte", "it": "progetti transfrontalieri", "sr": "прекогранични пројекти"}},
	{"all_areas", Localized{"sl": "vsa področja dela in življenja", "en": "all areas of work and life", "de": "alle Bereiche des Arbeitens und Lebens", "it": "tutti gli ambiti di lavoro e di vita", "sr": "све области рада и живота"}},
}

// FindTerm returns the term with code, if the vocabulary has it.
func FindTerm(vocabulary []Term, code string) (Term, bool) {
	for _, t := range vocabulary {
		if t.Code == code {
			return t, true
		}
	}
	return Term{}, false
}
