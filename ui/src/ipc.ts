// The only module that talks to the Rust side (Tauri `invoke` and `listen`). Every other file
// imports the typed functions below, so a change to a command's shape is made here once.
//
// The types mirror the serde shapes of the core crate (src/model.rs, src/matching/*.rs,
// src/screening.rs) and of the commands in src-tauri; see /work/notes/ui-contract.md.
// Optional fields that Rust skips when empty are typed `?`, fields Rust writes as `null`
// are typed `| null`.

import { invoke } from '@tauri-apps/api/core';
import { listen, type UnlistenFn } from '@tauri-apps/api/event';

// ---------------------------------------------------------------- core model (src/model.rs)

export type Schema = 'person' | 'organization' | 'vessel' | 'aircraft' | 'unknown';
export const QUERY_SCHEMAS: Exclude<Schema, 'unknown'>[] = ['person', 'organization', 'vessel', 'aircraft'];

export type NameKind = 'primary' | 'alias' | 'weak_alias' | 'former';

export interface Name {
  full: string;
  kind: NameKind;
}

export interface BirthDate {
  /** ISO 8601 with as many parts as known: "1961", "1961-07", "1961-07-31". */
  date: string;
  to?: string;
  approximate?: boolean;
}

export interface Identifier {
  kind: string;
  value: string;
  country?: string;
}

export interface Link {
  relation: string;
  name: string;
  entry_id?: string;
}

export interface Entity {
  entry_id: string;
  schema: Schema;
  names: Name[];
  birth_dates?: BirthDate[];
  places_of_birth?: string[];
  /** ISO 3166 alpha-2, lower case. */
  countries?: string[];
  addresses?: string[];
  programs?: string[];
  identifiers?: Identifier[];
  links?: Link[];
  listed_on?: string;
  remarks?: string[];
}

export interface Warning {
  file: string;
  line?: number;
  entry_id?: string;
  reason: string;
}

export interface FileDigest {
  name: string;
  sha256: string;
  bytes: number;
}

export interface ListVersion {
  id: number;
  list: string;
  version: string;
  format: string;
  published: string | null;
  as_of: string | null;
  imported_at: string;
  sha256: string;
  files: FileDigest[];
  record_count: number;
  warnings: Warning[];
}

// ------------------------------------------------------- matching (src/matching/*.rs)

export interface Query {
  name: string;
  /** ISO 3166 alpha-2. */
  country?: string;
  /** YYYY, YYYY-MM or YYYY-MM-DD. */
  birth_date?: string;
  schema?: Schema;
  identifier?: string;
}

/** How two tokens were judged alike (score::How). */
export type How = 'exact' | 'phonetic' | 'typo' | 'initial';

export interface Pair {
  query: string;
  list: string;
  how: How;
  similarity: number;
}

export interface Adjustment {
  /** birth_date, country, schema, identifier, weak_alias, exact_name_floor. */
  factor: string;
  delta: number;
  detail: string;
}

export interface Explanation {
  summary: string;
  name_score: number;
  pairs: Pair[];
  unmatched_query: string[];
  unmatched_list: string[];
  legal_forms_ignored: string[];
  acronyms_ignored?: string[];
  adjustments: Adjustment[];
}

export interface Hit {
  list: string;
  entry_id: string;
  /** The entry's primary name. */
  name: string;
  /** The name (primary or alias) that matched. */
  matched_name: string;
  score: number;
  explanation: Explanation;
  /** An earlier case's "false positive" for this party and entry (the allow list). */
  allow_listed?: PriorJudgement;
  /** Set when the name matched is one the entry gives a party in its links, not its own. */
  link?: LinkedBy;
}

/** src/matching/mod.rs LinkedBy: the relation as the list writes it, from the entry's side. */
export interface LinkedBy {
  relation: string;
}

export interface PriorJudgement {
  case_id: string;
  seq: number;
  fact: string;
  /** The entry changed since: the hit alerts again. */
  changed: boolean;
}

/** A hit alerts unless an earlier case settled it and the entry has not changed since. */
export const alerts = (h: Hit) => !h.allow_listed || h.allow_listed.changed;

// ------------------------------------------------------------ screening (src/screening.rs)

export interface ListUsed {
  list: string;
  version: string;
  published: string | null;
  as_of?: string | null;
  sha256: string;
}

export interface ScreenResult {
  id: string | null;
  query: Query;
  hits: Hit[];
  lists: ListUsed[];
  matcher: string;
  threshold: number;
}

/** ListVersion flattened with the freshness fields. */
export interface ListStatus extends ListVersion {
  title: string | null;
  age_days: number;
  stale: boolean;
}

// ----------------------------------------------------------------- app commands (src-tauri)

export interface AppInfo {
  version: string;
  data_dir: string;
  matcher: string;
  threshold: number;
  /** The index is built and screening answers. */
  ready: boolean;
}

export type Relation =
  | 'owner'
  | 'parent'
  | 'subsidiary'
  | 'director'
  | 'customer'
  | 'end_user'
  | 'contracts_for'
  | 'supplier';
export const RELATIONS: Relation[] = [
  'owner',
  'parent',
  'subsidiary',
  'director',
  'customer',
  'end_user',
  'contracts_for',
  'supplier',
];

export interface Affiliation {
  name: string;
  relation: Relation;
  /** Share held, for `owner`. */
  percent?: number;
  country?: string;
  schema?: Schema;
}

export interface ScreeningInput {
  counterparty: Query;
  affiliations: Affiliation[];
}

export interface SavedScreening {
  case_id: string;
  counterparty: ScreenResult;
  affiliations: { affiliation: Affiliation; result: ScreenResult }[];
  watch: WatchScreening;
}

export interface EntryView {
  list: string;
  title: string | null;
  entity: Entity;
}

export type ImportStage = 'reading' | 'parsing' | 'storing' | 'indexing' | 'done';
export const IMPORT_STAGES: ImportStage[] = ['reading', 'parsing', 'storing', 'indexing', 'done'];

export interface ImportProgress {
  stage: ImportStage;
  file: string;
}

/** Column names of a customer file for each query field. */
export interface Mapping {
  name: string;
  id?: string | null;
  country?: string | null;
  birth_date?: string | null;
  schema?: string | null;
}

export interface BatchFile {
  path: string;
  columns: string[];
  /** At most 20 rows. */
  preview: string[][];
  row_count: number;
  suggested: Mapping;
}

export interface BatchRow {
  row: number;
  id: string;
  name: string;
  alerts: number;
  top?: Hit | null;
  error?: string | null;
}

export interface BatchResult {
  rows: BatchRow[];
}

export interface BatchProgress {
  done: number;
  total: number;
}

export interface ExportResult {
  path: string;
  rows: number;
}

export interface CaseSummary {
  id: string;
  created_at: string;
  status: string;
  counterparty: string;
  alerts: number;
  top_score: number | null;
}

/** One stored event of a case file (src/case/mod.rs), hash-chained to its predecessor. */
export interface CaseEvent {
  case_id: string;
  seq: number;
  /** UTC, RFC 3339. */
  at: string;
  actor: string;
  /** "opened", "screened"; later issues add kinds. */
  kind: string;
  /** Canonical JSON: for "opened" a ScreeningInput, for "screened" a ScreenedPayload. */
  payload: unknown;
  prev_hash: string;
  hash: string;
}

export interface ScreenedPayload {
  counterparty: ScreenResult;
  affiliations: { affiliation: Affiliation; result: ScreenResult }[];
  alerts: number;
  top_score: number | null;
}

// ------------------------------------------------- case file (src/case/events.rs, detail.rs)

export interface UserProfile {
  name: string;
  role: string;
}

export type Verdict = 'true_match' | 'false_positive' | 'cannot_exclude';
export const VERDICTS: Verdict[] = ['true_match', 'false_positive', 'cannot_exclude'];
export type Outcome = 'proceed' | 'proceed_with_conditions' | 'abstain' | 'prohibited';
export const OUTCOMES: Outcome[] = ['proceed', 'proceed_with_conditions', 'abstain', 'prohibited'];
/** The shortest justification a decision accepts (src/case/events.rs MIN_JUSTIFICATION). */
export const MIN_JUSTIFICATION = 30;

export interface HitRef {
  list: string;
  entry_id: string;
  name: string;
  matched_name: string;
  score: number;
  allow_listed: PriorJudgement | null;
  link: LinkedBy | null;
}

export interface CaseParty {
  name: string;
  schema: Schema | null;
  hits: HitRef[];
  lists: ListUsed[];
}

export interface DispositionRecord {
  seq: number;
  actor: string;
  party: string;
  party_key: string;
  list: string;
  entry_id: string;
  verdict: Verdict;
  fact: string;
  entity_sha256: string | null;
}

export interface DecisionRecord {
  seq: number;
  at: string;
  actor: string;
  outcome: Outcome;
  justification: string;
}

export interface ApprovalRecord {
  seq: number;
  actor: string;
  decision_seq: number;
}

export interface AttachmentRecord {
  seq: number;
  name: string;
  size: number;
  sha256: string;
}

export interface WatchFinding {
  party: string;
  role: string;
  item_id: string;
  title: string;
  date: string | null;
  publisher: string;
  url: string | null;
  score: number | null;
}

export interface WatchMarkRecord {
  seq: number;
  actor: string;
  party: string;
  item_id: string;
  relevance: Relevance;
  reason: string;
}

export type Tier = 'low_moderate' | 'elevated' | 'high';

export interface CaseState {
  case_id: string;
  created_at: string;
  input: ScreeningInput | null;
  parties: CaseParty[];
  dispositions: DispositionRecord[];
  decision: DecisionRecord | null;
  approvals: ApprovalRecord[];
  risk_tier: Tier | null;
  submitted: number | null;
  submitted_retention_years: number | null;
  attachments: AttachmentRecord[];
  watch: WatchFinding[];
  watch_marks: WatchMarkRecord[];
}

export interface Retention {
  /** YYYY-MM-DD: nothing can delete the case before this day. */
  retain_until: string;
  years: number;
  from: string;
  rule: string;
}

export interface ChainHead {
  seq: number;
  hash: string;
}

export interface VerifyReport {
  case_id: string;
  ok: boolean;
  events: number;
  head: ChainHead | null;
  expected_head: ChainHead | null;
  attachments_checked: number;
  problems: string[];
}

/** The latest risk_assessed event. */
export interface RiskRecord {
  seq: number;
  at: string;
  actor: string;
  transaction: Transaction;
  input: unknown;
  profile: RiskProfile;
}

/** The age of one list a result or case used (src/update/staleness.rs ListAge). */
export interface ListAge {
  list: string;
  version: string;
  /** YYYY-MM-DD: the date the data speaks for. */
  data_date: string;
  age_days: number;
  stale: boolean;
}

/** src/case/events.rs ApprovalReason. */
export type ApprovalReason =
  | { because: 'risk_tier'; tier: Tier }
  | { because: 'prohibited' }
  | { because: 'disposition'; list: string; entry_id: string; verdict: Verdict };

export interface CaseDetail {
  summary: CaseSummary;
  state: CaseState;
  retention: Retention;
  verify: VerifyReport;
  risk: RiskRecord | null;
  /** Why the latest decision needs a second person's approval; null when it does not. */
  approval_required: ApprovalReason | null;
  /** Hits still to be disposed of before proceeding, as "party: list entry". */
  undisposed: string[];
  list_ages: ListAge[];
  events: CaseEvent[];
}

export interface CaseExported {
  path: string;
  bytes: number;
}

export type RescreenChange = 'new' | 'gone' | 'score_changed';

export interface Rescreened {
  rescreen: {
    case_id: string;
    reproduced: boolean;
    alerts: number;
    versions_then: ListUsed[];
    versions_now: ListUsed[];
    parties: { party: string; changes: { kind: RescreenChange; list: string; entry_id: string; name: string; score_then: number | null; score_now: number | null }[] }[];
  };
  case: CaseDetail;
}

// ---------------------------------------- risk (src/risk/*.rs, src/case/assessment.rs)
// RISK-TYPES-BEGIN: the transaction form's and risk profile's shapes.

/** src/risk/red_flags.rs Answer (also the design-test answers). */
export type Answer = 'yes' | 'no' | 'unknown';
export const ANSWERS: Answer[] = ['yes', 'no', 'unknown'];

/** src/risk/mod.rs StateLink: the counterparty's tie to the state. */
export type StateLink = 'none' | 'state_owned' | 'government_affiliated' | 'civil_government_body' | 'security_body';
export const STATE_LINKS: StateLink[] = ['none', 'state_owned', 'government_affiliated', 'civil_government_body', 'security_body'];

/** src/risk/goods.rs DesignTest: the four cumulative elements of Art. 2(20). */
export interface DesignTest {
  specially_designed: Answer;
  covert: Answer;
  natural_persons: Answer;
  from_ict_systems: Answer;
}
export const DESIGN_TEST_QUESTIONS: (keyof DesignTest)[] = ['specially_designed', 'covert', 'natural_persons', 'from_ict_systems'];

/** src/risk/goods.rs GoodsItem: one item of the transaction as the user picks it. */
export interface GoodsItem {
  /** A product class id of the catalogue ("firewall_vpn"). */
  class: string;
  /** Listed in Annex I or not; absent: not classified yet (the class's default applies). */
  listed?: boolean;
  /** The entry it was classified under ("5A002.a"), when listed. */
  entry?: string;
  design_test?: DesignTest;
  us_content?: boolean;
  description?: string;
  quantity?: number;
}

/** src/risk/red_flags.rs FlagAnswer. */
export interface FlagAnswer {
  id: string;
  answer: Answer;
  comment?: string;
}

/** src/risk/mod.rs Awareness (Art. 4(2), Art. 5(2)). */
export interface Awareness {
  repression?: boolean;
  military_or_wmd?: boolean;
}

/** src/case/assessment.rs CounterpartyFacts. */
export interface CounterpartyFacts {
  description?: string;
  state_link?: StateLink;
  reseller?: boolean;
  country?: string;
}

/** src/case/assessment.rs AffiliationFacts: found by the affiliation's name. */
export interface AffiliationFacts {
  name: string;
  description?: string;
  source?: string;
  date?: string;
}

/** What the user tells about the transaction (src/case/assessment.rs Transaction). */
export interface Transaction {
  goods: GoodsItem[];
  /** Country of final destination: ISO code or name. */
  destination: string;
  end_use?: string;
  counterparty?: CounterpartyFacts;
  affiliations?: AffiliationFacts[];
  red_flags?: FlagAnswer[];
  awareness?: Awareness;
}

/** src/risk/goods.rs Default: how a class stands before the user classifies. */
export type GoodsDefault = 'listed' | 'candidate' | 'not_listed';

/** src/risk/goods.rs Entry. */
export interface GoodsEntry {
  entry: string;
  when: string;
}

/** src/risk/goods.rs GoodsClass: a product class of the catalogue. */
export interface GoodsClass {
  id: string;
  label: string;
  default: GoodsDefault;
  /** The entry assumed when the item is classified as listed without naming one. */
  listed_entry: string | null;
  entries: GoodsEntry[];
  questions: string[];
  /** The Art. 5 design test is worth running for it. */
  art5: boolean;
  telecom_monitoring: boolean;
  note?: string;
}

/** src/risk/red_flags.rs Flag: one question of the questionnaire. */
export interface Flag {
  id: string;
  /** A (end user), B (end use), C (shipping and payment), D (destination). */
  category: string;
  text: string;
  sources: string[];
}

/** src-tauri case_commands.rs Country. `code` is ISO 3166-1 alpha-2, lower case. */
export interface Country {
  code: string;
  name: string;
}

/** What the transaction form offers (src-tauri case_commands.rs RiskCatalogue). */
export interface RiskCatalogue {
  goods: GoodsClass[];
  flags: Flag[];
  /** Sorted by name. */
  countries: Country[];
}

/** src/risk/profile.rs Source: where a figure or a fact comes from. */
export interface Source {
  name: string;
  /** Year, month or day of the edition or publication. */
  date?: string;
  url?: string;
  /** Not yet checked against the official text. */
  verify?: boolean;
}

/** src/risk/profile.rs Contribution. */
export interface Contribution {
  points: number;
  reason: string;
  source?: Source;
}

/** src/risk/profile.rs Factor. */
export interface Factor {
  value: number;
  max: number;
  rule: string;
  contributions: Contribution[];
}

/** src/risk/profile.rs Factors: S = I × (U + D + R). */
export interface Factors {
  impact: Factor;
  end_user: Factor;
  destination: Factor;
  red_flags: Factor;
}

/** src/risk/profile.rs FloorFired. */
export interface FloorFired {
  rule: string;
  at_least: Tier;
  text: string;
  because: string;
  /** Whether it raised the tier (false when the score alone reached it). */
  raised: boolean;
}

/** src/risk/profile.rs RequirementKind. */
export type RequirementKind =
  | 'prohibited'
  | 'notify_authority'
  | 'licence_required'
  | 'us_licence_required'
  | 'art5_assessment'
  | 'classification_needed'
  | 'check_restriction';

/** src/risk/profile.rs Requirement. */
export interface Requirement {
  kind: RequirementKind;
  basis: string;
  reason: string;
  source?: Source;
}

/** src/risk/profile.rs Measure. */
export interface Measure {
  id: string;
  text: string;
  because: string;
}

/** src/risk/goods.rs Classification. */
export type Classification = 'listed' | 'not_listed' | 'unclassified';

/** src/risk/goods.rs GoodsFinding: one item as the profile shows it. */
export interface GoodsFinding {
  class: string;
  label: string;
  classification: Classification;
  entry?: string;
  cyber_surveillance: boolean;
  art5_item: boolean;
  telecom_monitoring: boolean;
  us_content: boolean;
  impact: number;
  candidate_entries: GoodsEntry[];
  open_questions: string[];
  annex: Source;
  description?: string;
}

/** src/risk/destinations.rs Group. */
export interface DestinationGroup {
  id: string;
  label: string;
  source: Source;
}

/** src/risk/destinations.rs FreedomRating: Freedom House, Freedom in the World. */
export interface FreedomRating {
  /** F, PF or NF. */
  status: string;
  total: number;
  political_rights: number;
  civil_liberties: number;
  rated_as: string;
  territory?: boolean;
  source: Source;
}

/** src/risk/destinations.rs Scope. */
export type EmbargoScope = 'whole_state' | 'non_state_actors' | 'listed_persons' | 'region';

/** src/risk/destinations.rs Embargo. */
export interface Embargo {
  country: string;
  /** UN, EU or OSCE. */
  body: string;
  /** "legal" or "political". */
  binding: string;
  scope: EmbargoScope;
  internal_repression: boolean;
  note: string;
  source: Source;
}

/** src/risk/destinations.rs GoodsRestriction. */
export interface GoodsRestriction {
  /** "listed", "telecom_monitoring" or "all". */
  applies_to: string;
  /** "prohibited", "prior_authorisation" or "check". */
  effect: string;
  basis: string;
}

/** src/risk/destinations.rs Regime. */
export interface SanctionsRegime {
  country: string;
  regime: string;
  acts: string[];
  goods_restrictions: GoodsRestriction[];
  source: Source;
}

/** src/risk/destinations.rs DestinationProfile. */
export interface DestinationProfile {
  /** ISO 3166-1 alpha-2, lower case. */
  code: string;
  name: string;
  eu_member: boolean;
  eu_nato_plus: boolean;
  country_of_concern: boolean;
  groups: DestinationGroup[];
  freedom_in_the_world?: FreedomRating;
  arms_embargoes: Embargo[];
  sanctions_regimes: SanctionsRegime[];
}

/** src/risk/end_users.rs Category. */
export type SecurityCategory =
  | 'interior_ministry'
  | 'state_security'
  | 'intelligence'
  | 'police'
  | 'military'
  | 'border_guard'
  | 'prosecutor';

/** src/risk/ownership.rs Relation, read from the counterparty's side. */
export type RiskRelation =
  | 'owned_by'
  | 'owns'
  | 'subsidiary_of'
  | 'parent_of'
  | 'directed_by'
  | 'director_of'
  | 'contracts_for'
  | 'supplies_to'
  | 'customer_of'
  | 'end_user';

/** src/risk/end_users.rs SensitiveFinding (with SensitiveMatch flattened in). */
export interface SensitiveFinding {
  party: string;
  /** "name", "description" or "end_use". */
  field: string;
  relation?: RiskRelation;
  /** "counterparty", or the relation as a phrase. */
  path: string;
  category: SecurityCategory;
  /** BCP 47 code of the phrase's language. */
  language: string;
  phrase: string;
  /** The words of the input that matched. */
  matched: string;
  counts_for_u: boolean;
  source?: Source;
}

/** src/risk/ownership.rs RelationFinding. */
export interface RelationFinding {
  name: string;
  relation: RiskRelation;
  /** "owned 60 % by X, listed on eu-fsf". */
  path: string;
  listed_on?: string[];
  source?: Source;
}

/** src/risk/list_links.rs LinkFinding: a list entry that names a party in its links. */
export interface LinkFinding {
  /** The counterparty's name, or the affiliation's path. */
  party: string;
  list: string;
  entry_id: string;
  entry_name: string;
  /** As the list writes it, from the entry's side. */
  relation: string;
  named_as: string;
  path: string;
}

/** src/risk/ownership.rs Share. */
export interface OwnershipShare {
  name: string;
  percent?: number;
  lists: string[];
}

/** src/risk/model.rs Effect: what a confirmed hit on a list means for an EU exporter. */
export type ListEffect = 'prohibition' | 'risk_signal' | 'licence_if_ear' | 'red_flag';

/** src/risk/ownership.rs OwnershipCalculation. */
export interface OwnershipCalculation {
  jurisdiction: string;
  rule: string;
  owners: OwnershipShare[];
  total: number;
  owned: boolean;
  controlled_by?: string[];
  share_unknown: boolean;
  /** "A 25 % (eu-fsf) + B 25 % (eu-fsf) = 50 % ≥ 50 %: owned". */
  calculation: string;
  effect: ListEffect;
  note: string;
  source: Source;
}

/** src/risk/red_flags.rs FlagResult. */
export interface FlagResult {
  id: string;
  category: string;
  text: string;
  /** Absent when it was not answered. */
  answer?: Answer;
  comment?: string;
  weight: number;
  /** Points added to R (before the cap). */
  counted: number;
  note: string;
}

/** src/risk/profile.rs RiskProfile. */
export interface RiskProfile {
  /** "risk-model v1". */
  model: string;
  factors: Factors;
  /** L = U + D + R. */
  likelihood: number;
  /** S = I × L. */
  score: number;
  score_tier: Tier;
  tier: Tier;
  floors: FloorFired[];
  /** Most severe first. */
  requirements: Requirement[];
  prohibited: boolean;
  measures: Measure[];
  goods: GoodsFinding[];
  destination: DestinationProfile;
  sensitive_end_users: SensitiveFinding[];
  relations: RelationFinding[];
  /** List entries that name the counterparty or an affiliate in their links. */
  list_links: LinkFinding[];
  ownership: OwnershipCalculation[];
  questionnaire: FlagResult[];
}

// RISK-TYPES-END

export type PickKind = 'list' | 'batch' | 'export' | 'watch' | 'attachment' | 'case_export' | 'watch_export' | 'case_report';
export type ExportFormat = 'csv' | 'xlsx';

// ------------------------------------------------ watch-list (src/watch/model.rs, matching.rs)

export type WatchTag =
  | 'surveillance'
  | 'interception'
  | 'censorship'
  | 'spyware'
  | 'facial-recognition'
  | 'export-violation'
  | 'dpi'
  | 'monitoring-centre'
  | 'forensics'
  | 'sanctions'
  | 'entity-list';
export const WATCH_TAGS: WatchTag[] = [
  'surveillance',
  'interception',
  'censorship',
  'spyware',
  'facial-recognition',
  'export-violation',
  'dpi',
  'monitoring-centre',
  'forensics',
  'sanctions',
  'entity-list',
];

export type PartyKind = 'organization' | 'person' | 'government-body';
export const PARTY_KINDS: PartyKind[] = ['organization', 'person', 'government-body'];
export type PartyRole = 'vendor' | 'end-user' | 'intermediary' | 'subject';
export const PARTY_ROLES: PartyRole[] = ['vendor', 'end-user', 'intermediary', 'subject'];

export interface WatchParty {
  name: string;
  kind: PartyKind;
  role: PartyRole;
}

export interface WatchSource {
  publisher: string;
  title: string;
  /** http(s) only; shown as text, never opened in the webview. */
  url?: string;
}

export type WatchOrigin = 'seed' | 'feed' | 'file' | 'manual';
export type WatchField =
  | 'title'
  | 'summary'
  | 'date'
  | 'source'
  | 'countries'
  | 'tags'
  | 'parties'
  | 'note'
  | 'verified';

export interface WatchItem {
  id: string;
  /** YYYY-MM-DD */
  date: string | null;
  title: string;
  summary: string;
  source: WatchSource;
  /** ISO 3166-1 alpha-2, lower case. */
  countries: string[];
  tags: WatchTag[];
  parties: WatchParty[];
  note?: string;
  verified: boolean;
  guid?: string;
  origin: WatchOrigin;
  origin_source: string;
  added_by: string;
  added_at: string;
  edited_by?: string;
  edited_at?: string;
  edited_fields?: WatchField[];
}

export interface WatchFieldChange {
  field: WatchField;
  from: unknown;
  to: unknown;
}

export interface WatchChange {
  item_id: string;
  at: string;
  by: string;
  kind: 'added' | 'edited' | 'refreshed';
  source?: string;
  fields: WatchFieldChange[];
}

export interface WatchItemView {
  item: WatchItem;
  changes: WatchChange[];
}

export interface WatchFilter {
  tag?: WatchTag | null;
  country?: string | null;
  since?: string | null;
  until?: string | null;
  find?: string | null;
}

export interface NewWatchItem {
  title: string;
  summary?: string;
  date?: string | null;
  source: WatchSource;
  countries?: string[];
  tags?: WatchTag[];
  parties?: WatchParty[];
  note?: string | null;
  verified?: boolean;
}

/** Only the fields given change; each becomes an edited field no refresh overwrites. */
export type WatchEdit = Partial<{
  title: string;
  summary: string;
  /** An empty string clears the date. */
  date: string;
  source: WatchSource;
  countries: string[];
  tags: WatchTag[];
  parties: WatchParty[];
  note: string;
  verified: boolean;
}>;

export type Relevance = 'relevant' | 'not-relevant';

export interface RelevanceMark {
  party: string;
  item_id: string;
  relevance: Relevance;
  reason: string;
  marked_by: string;
  marked_at: string;
}

export interface WatchSubject {
  name: string;
  /** "counterparty" or the affiliation's relation. */
  role: string;
  schema?: Schema;
}

export interface WatchQuery {
  subjects: WatchSubject[];
  destination?: string;
}

export type TextField = 'title' | 'summary';

export type WatchReason =
  | {
      kind: 'named_party';
      party: string;
      party_kind: PartyKind;
      party_role: PartyRole;
      score: number;
      explanation: string;
    }
  | { kind: 'name_in_text'; field: TextField; words: string };

/** `text[start_utf16..end_utf16]` of the field (JavaScript string indices). */
export interface Highlight {
  field: TextField;
  start: number;
  end: number;
  start_utf16: number;
  end_utf16: number;
  text: string;
}

export interface WatchMatch {
  subject: WatchSubject;
  item: WatchItem;
  score: number | null;
  reasons: WatchReason[];
  highlights: Highlight[];
  mark: RelevanceMark | null;
}

export interface WatchScreening {
  matches: WatchMatch[];
  context: WatchItem[];
  destination: string | null;
  items: number;
  matcher: string;
  threshold: number;
}

export type WatchImportKind = 'seed' | 'json' | 'rss' | 'atom';

export interface WatchImportReport {
  source: string;
  kind: WatchImportKind;
  sha256: string;
  bytes: number;
  imported_at: string;
  imported_by: string;
  items: number;
  added: number;
  updated: number;
  unchanged: number;
  duplicates: number;
  warnings: string[];
}

export interface WatchFileImport {
  file: string;
  report?: WatchImportReport;
  error?: { code: string; message: string };
}

export interface FeedRefresh {
  feed: string;
  url: string;
  report?: WatchImportReport;
  error?: string;
}

// ------------------------------------------------------------------------------ errors

/** What a failed command rejects with: `{ code, message }` from the shell's CommandError. */
export class CommandError extends Error {
  readonly code: string;
  constructor(code: string, message: string) {
    super(message);
    this.code = code;
  }
}

function toError(raw: unknown): CommandError {
  if (raw && typeof raw === 'object' && 'message' in raw) {
    const r = raw as { code?: unknown; message?: unknown };
    return new CommandError(String(r.code ?? 'error'), String(r.message));
  }
  return new CommandError('error', typeof raw === 'string' ? raw : String(raw));
}

async function call<T>(command: string, args?: Record<string, unknown>): Promise<T> {
  try {
    return await invoke<T>(command, args);
  } catch (raw) {
    throw toError(raw);
  }
}

// ---------------------------------------------------------------------------- commands

export const appInfo = () => call<AppInfo>('app_info');

/** As-you-type screening; saves nothing. Rejects with code `not_ready` while the index builds. */
export const screenPreview = (query: Query) => call<ScreenResult>('screen_preview', { query });

/** Screens the counterparty and its affiliations and saves a draft case. */
export const screenAndSave = (input: ScreeningInput) => call<SavedScreening>('screen_and_save', { input });

export const entry = (list: string, entryId: string) => call<EntryView>('entry', { list, entry_id: entryId });

export const lists = () => call<ListStatus[]>('lists');

/** A native file dialog (or the paths in KLARING_PICK); empty when the user cancels. */
export const pickFiles = (kind: PickKind) => call<string[]>('pick_files', { kind });

export const importLists = (paths: string[]) => call<ListVersion>('import_lists', { paths });

export const batchOpen = (path: string) => call<BatchFile>('batch_open', { path });

export const batchScreen = (path: string, mapping: Mapping) =>
  call<BatchResult>('batch_screen', { path, mapping });

export const batchExport = (path: string, format: ExportFormat) =>
  call<ExportResult>('batch_export', { path, format });

export const casesList = (filter?: string) => call<CaseSummary[]>('cases_list', { filter: filter || null });

export const caseDetail = (id: string) => call<CaseDetail>('case_detail', { id });

/** Who is at the keyboard; null before the first-start dialog was answered. */
export const userGet = () => call<UserProfile | null>('user_get');
export const userSet = (name: string, role: string) => call<UserProfile>('user_set', { name, role });

export const caseDispose = (id: string, party: string, list: string, entryId: string, verdict: Verdict, fact: string) =>
  call<CaseDetail>('case_dispose', { id, party, list, entry_id: entryId, verdict, fact });
export const caseAssess = (id: string, transaction: Transaction) =>
  call<{ profile: RiskProfile; case: CaseDetail }>('case_assess', { id, transaction });
export const caseWatchMark = (id: string, party: string, itemId: string, relevance: Relevance, reason: string) =>
  call<CaseDetail>('case_watch_mark', { id, party, item_id: itemId, relevance, reason });
export const caseDecide = (id: string, outcome: Outcome, justification: string) =>
  call<CaseDetail>('case_decide', { id, outcome, justification });
/** The current profile approves the latest decision; refused (`refused`) for the decider. */
export const caseApprove = (id: string, comment: string) => call<CaseDetail>('case_approve', { id, comment });
export const caseAttach = (id: string, path: string) => call<CaseDetail>('case_attach', { id, path });
export const caseNote = (id: string, text: string) => call<CaseDetail>('case_note', { id, text });
export const caseSubmit = (id: string) => call<CaseDetail>('case_submit', { id });
export const caseRescreen = (id: string) => call<Rescreened>('case_rescreen', { id });
export const caseExport = (id: string, path: string) => call<CaseExported>('case_export', { id, path });
export const riskCatalogue = () => call<RiskCatalogue>('risk_catalogue');
/** Writes the case's A4 PDF report to a path from `pickFiles('case_report')`. */
export const caseReport = (id: string, path: string) => call<CaseExported>('case_report', { id, path });

// ------------------------------------------------------------ online update (src/update/*.rs)

/** Progress of an update (`update-progress` events). */
export type UpdateProgress =
  | { phase: 'download'; list: string; file: string; received: number; total: number | null }
  | { phase: 'import'; list: string }
  | { phase: 'feeds' }
  | { phase: 'index' }
  | { phase: 'rescreen'; done: number; total: number };

export type UpdateOutcome = 'updated' | 'unchanged' | 'failed';

export interface DeltaSummary {
  added: number;
  removed: number;
  changed: number;
}

export interface ListOutcome {
  list: string;
  urls: string[];
  outcome: UpdateOutcome;
  error: string | null;
  previous: ListVersion | null;
  current: ListVersion | null;
  delta: DeltaSummary | null;
}

export type AlertKind = 'new_hit' | 'changed_entry' | 'changed_since_allow_listed';
export type DeltaField = 'name' | 'aliases' | 'birth_dates' | 'programmes' | 'countries' | 'identifiers' | 'other';

export interface FieldChange {
  field: DeltaField;
  before: string[];
  after: string[];
}

/** An alert from monitoring (src/update/monitor.rs Alert, NewAlert flattened). */
export interface Alert {
  id: number;
  case_id: string;
  event_seq: number;
  raised_at: string;
  kind: AlertKind;
  party: string;
  party_key: string;
  list: string;
  entry_id: string;
  name: string;
  score: number;
  entity_sha256: string;
  changes: FieldChange[];
  /** Set when the entry names the party in its links rather than being it. */
  link?: LinkedBy;
  acknowledged_at: string | null;
  acknowledged_by: string | null;
}

export interface MonitorReport {
  cases: number;
  parties: number;
  alerts: Alert[];
  skipped: { case_id: string; reason: string }[];
}

export interface UpdateReport {
  at: string;
  lists: ListOutcome[];
  feeds: FeedRefresh[];
  monitor: MonitorReport | null;
}

export interface ListDelta {
  list: string;
  from: ListVersion | null;
  to: ListVersion;
  added: { entry_id: string; name: string }[];
  removed: { entry_id: string; name: string }[];
  changed: { entry_id: string; name: string; changes: FieldChange[] }[];
}

export interface ListSource {
  list: string;
  files: { file: string; url: string }[];
  custom: boolean;
}

export interface StalenessPolicy {
  online: boolean;
  max_age_days: number;
}

/** Downloads the lists (all with a source, or `lists`) and with `feeds` the news feeds. */
export const updateRun = (lists: string[], feeds: boolean) => call<UpdateReport>('update_run', { lists, feeds });
export const listDelta = (list: string) => call<ListDelta>('list_delta', { list });
export const alertsList = (all: boolean) => call<Alert[]>('alerts', { all });
export const alertAck = (id: number) => call<Alert>('alert_ack', { id });
export const updateSources = () => call<ListSource[]>('update_sources');
/** `urls` as `NAME=URL` or `URL`, one per file; empty goes back to the official addresses. */
export const updateSourceSet = (list: string, urls: string[]) => call<ListSource>('update_source_set', { list, urls });
export const updatePolicy = () => call<StalenessPolicy>('update_policy');
export const updatePolicySet = (days: number) => call<StalenessPolicy>('update_policy_set', { days });
export const onUpdateProgress = (handler: (p: UpdateProgress) => void): Promise<UnlistenFn> =>
  listen<UpdateProgress>('update-progress', (e) => handler(e.payload));

export const watchList = (filter: WatchFilter) => call<WatchItem[]>('watch_list', { filter });

export const watchItem = (id: string) => call<WatchItemView>('watch_item', { id });

export const watchAdd = (item: NewWatchItem) => call<WatchItem>('watch_add', { item });

export const watchEdit = (id: string, changes: WatchEdit) => call<WatchItem>('watch_edit', { id, changes });

export const watchMark = (id: string, party: string, relevance: Relevance, reason: string) =>
  call<RelevanceMark>('watch_mark', { id, party, relevance, reason });

export const watchMatch = (query: WatchQuery) => call<WatchScreening>('watch_match', { query });

/** Imports files from `pickFiles('watch')`; one result per file (a refused file stores nothing). */
export const watchImportFiles = (paths: string[]) => call<WatchFileImport[]>('watch_import_files', { paths });

/** Fetches every configured feed (network); one result per feed. */
export const watchRefresh = () => call<FeedRefresh[]>('watch_refresh');

/** A configured feed (src/watch/model.rs Feed). */
export interface Feed {
  id: number;
  name: string;
  url: string;
  added_by: string;
  added_at: string;
  last_fetched_at: string | null;
  /** "ok: …" or the error of the last refresh. */
  last_result: string | null;
}

export const watchFeeds = () => call<Feed[]>('watch_feeds');
export const watchFeedAdd = (name: string, url: string) => call<Feed>('watch_feed_add', { name, url });
export const watchFeedRemove = (name: string) => call<null>('watch_feed_remove', { name });
/** Writes the whole watch-list as JSON to a path from `pickFiles('watch_export')`. */
export const watchExport = (path: string) => call<ExportResult>('watch_export', { path });

// ------------------------------------------------------------------------------ events

export const onImportProgress = (handler: (p: ImportProgress) => void): Promise<UnlistenFn> =>
  listen<ImportProgress>('import-progress', (e) => handler(e.payload));

/** Emitted once when the list index is built, or could not be (`message` says why). */
export interface IndexReady {
  ready: boolean;
  message?: string;
}

export const onIndexReady = (handler: (p: IndexReady) => void): Promise<UnlistenFn> =>
  listen<IndexReady>('index-ready', (e) => handler(e.payload));

export const onBatchProgress = (handler: (p: BatchProgress) => void): Promise<UnlistenFn> =>
  listen<BatchProgress>('batch-progress', (e) => handler(e.payload));
