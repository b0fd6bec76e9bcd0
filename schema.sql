-- Generated from gateway/store/models.py by `ecollect-gateway db ddl`; do not edit.
CREATE TABLE caja_banks (
	code VARCHAR(3) NOT NULL, 
	name VARCHAR(100) NOT NULL, 
	enabled BOOLEAN NOT NULL, 
	PRIMARY KEY (code), 
	CONSTRAINT ck_caja_banks_code CHECK (length(code) = 3)
);

CREATE TABLE caja_nonces (
	username VARCHAR(64) NOT NULL, 
	nonce VARCHAR(128) NOT NULL, 
	created_at TIMESTAMP WITH TIME ZONE NOT NULL, 
	PRIMARY KEY (username, nonce)
);

CREATE INDEX ix_caja_nonces_created ON caja_nonces (created_at);

CREATE TABLE entities (
	code VARCHAR(20) NOT NULL, 
	name VARCHAR(200) NOT NULL, 
	nit VARCHAR(20) NOT NULL, 
	enabled BOOLEAN NOT NULL, 
	allowed_networks JSON DEFAULT '[]' NOT NULL, 
	callback_secret VARCHAR(200), 
	PRIMARY KEY (code)
);

CREATE TABLE financial_institutions (
	payment_system VARCHAR(3) NOT NULL, 
	code VARCHAR(20) NOT NULL, 
	name VARCHAR(100) NOT NULL, 
	enabled BOOLEAN NOT NULL, 
	PRIMARY KEY (payment_system, code)
);

CREATE TABLE helpdesk_companies (
	id BIGSERIAL NOT NULL, 
	tax_id_type VARCHAR(8) NOT NULL, 
	tax_id VARCHAR(20) NOT NULL, 
	name VARCHAR(200) NOT NULL, 
	created_at TIMESTAMP WITH TIME ZONE NOT NULL, 
	PRIMARY KEY (id), 
	CONSTRAINT uq_helpdesk_companies_tax_id UNIQUE (tax_id_type, tax_id)
);

CREATE TABLE helpdesk_login_failures (
	id BIGSERIAL NOT NULL, 
	email VARCHAR(254) NOT NULL, 
	at TIMESTAMP WITH TIME ZONE NOT NULL, 
	address VARCHAR(64) NOT NULL, 
	PRIMARY KEY (id)
);

CREATE INDEX ix_helpdesk_login_failures_email_at ON helpdesk_login_failures (email, at);

CREATE TABLE helpdesk_tokens (
	id BIGSERIAL NOT NULL, 
	token_hash VARCHAR(64) NOT NULL, 
	purpose VARCHAR(10) NOT NULL, 
	email VARCHAR(254) NOT NULL, 
	created_at TIMESTAMP WITH TIME ZONE NOT NULL, 
	expires_at TIMESTAMP WITH TIME ZONE NOT NULL, 
	used_at TIMESTAMP WITH TIME ZONE, 
	revoked_at TIMESTAMP WITH TIME ZONE, 
	PRIMARY KEY (id), 
	CONSTRAINT ck_helpdesk_tokens_purpose CHECK (purpose IN ('SIGNUP', 'RESET')), 
	UNIQUE (token_hash)
);

CREATE INDEX ix_helpdesk_tokens_email ON helpdesk_tokens (email, purpose);

CREATE TABLE mail_outbox (
	id BIGSERIAL NOT NULL, 
	dedupe_key VARCHAR(200) NOT NULL, 
	kind VARCHAR(40) NOT NULL, 
	"to" JSON NOT NULL, 
	cc JSON NOT NULL, 
	subject VARCHAR(300) NOT NULL, 
	text_body TEXT NOT NULL, 
	html_body TEXT, 
	status VARCHAR(10) NOT NULL, 
	attempts INTEGER NOT NULL, 
	next_attempt_at TIMESTAMP WITH TIME ZONE NOT NULL, 
	claim_token VARCHAR(32), 
	created_at TIMESTAMP WITH TIME ZONE NOT NULL, 
	sent_at TIMESTAMP WITH TIME ZONE, 
	outcome TEXT NOT NULL, 
	PRIMARY KEY (id), 
	CONSTRAINT ck_mail_outbox_status CHECK (status IN ('pending', 'sent', 'failed')), 
	UNIQUE (dedupe_key)
);

CREATE INDEX ix_mail_outbox_due ON mail_outbox (status, next_attempt_at);

CREATE TABLE caja_bank_users (
	id BIGSERIAL NOT NULL, 
	bank_code VARCHAR(3) NOT NULL, 
	username VARCHAR(64) NOT NULL, 
	password_sealed VARCHAR(500) NOT NULL, 
	enabled BOOLEAN NOT NULL, 
	created_at TIMESTAMP WITH TIME ZONE NOT NULL, 
	PRIMARY KEY (id), 
	FOREIGN KEY(bank_code) REFERENCES caja_banks (code), 
	UNIQUE (username)
);

CREATE TABLE caja_operations (
	id BIGSERIAL NOT NULL, 
	bank_code VARCHAR(3) NOT NULL, 
	id_transaccion VARCHAR(36) NOT NULL, 
	kind VARCHAR(8) NOT NULL, 
	payload_sha256 VARCHAR(64) NOT NULL, 
	response JSON NOT NULL, 
	created_at TIMESTAMP WITH TIME ZONE NOT NULL, 
	PRIMARY KEY (id), 
	CONSTRAINT uq_caja_operations_bank_id UNIQUE (bank_code, id_transaccion), 
	CONSTRAINT ck_caja_operations_kind CHECK (kind IN ('PAGO', 'REVERSO')), 
	FOREIGN KEY(bank_code) REFERENCES caja_banks (code)
);

CREATE TABLE helpdesk_people (
	id BIGSERIAL NOT NULL, 
	email VARCHAR(254) NOT NULL, 
	full_name VARCHAR(200) NOT NULL, 
	role VARCHAR(20) NOT NULL, 
	company_id BIGINT, 
	password_hash VARCHAR(200), 
	active BOOLEAN NOT NULL, 
	created_at TIMESTAMP WITH TIME ZONE NOT NULL, 
	registered_at TIMESTAMP WITH TIME ZONE, 
	PRIMARY KEY (id), 
	CONSTRAINT ck_helpdesk_people_role CHECK (role IN ('CUSTOMER', 'SUPPORT_ANALYST', 'BACK_OFFICE', 'ADMIN')), 
	UNIQUE (email), 
	FOREIGN KEY(company_id) REFERENCES helpdesk_companies (id)
);

CREATE INDEX ix_helpdesk_people_company ON helpdesk_people (company_id);

CREATE TABLE merchant_services (
	id SERIAL NOT NULL, 
	entity_code VARCHAR(20) NOT NULL, 
	code VARCHAR(20) NOT NULL, 
	description VARCHAR(200) NOT NULL, 
	active BOOLEAN NOT NULL, 
	active_from DATE, 
	active_until DATE, 
	value NUMERIC(18, 2) NOT NULL, 
	open_value BOOLEAN NOT NULL, 
	currency VARCHAR(3) NOT NULL, 
	pay_currency VARCHAR(3), 
	currency_rate NUMERIC(18, 6) NOT NULL, 
	accepts_pse BOOLEAN NOT NULL, 
	accepts_credit_card BOOLEAN NOT NULL, 
	accepts_cash BOOLEAN NOT NULL, 
	accepts_double_payment BOOLEAN NOT NULL, 
	max_retries INTEGER NOT NULL, 
	daily_attempt_limit INTEGER NOT NULL, 
	daily_value_limit BOOLEAN NOT NULL, 
	daily_limit_pse NUMERIC(18, 2) NOT NULL, 
	daily_limit_credit_card NUMERIC(18, 2) NOT NULL, 
	expiry_days INTEGER NOT NULL, 
	url_response VARCHAR(500), 
	url_redirect VARCHAR(500), 
	vat_percentage NUMERIC(5, 2) NOT NULL, 
	informative_only BOOLEAN NOT NULL, 
	confirmation_emails VARCHAR(500), 
	comment_before VARCHAR(500), 
	comment_after VARCHAR(500), 
	show_values BOOLEAN DEFAULT true NOT NULL, 
	redirect_with_params BOOLEAN DEFAULT false NOT NULL, 
	redirect_link_text VARCHAR(500), 
	new_payment_url VARCHAR(500), 
	coupon_message VARCHAR(500), 
	hide_conversion BOOLEAN DEFAULT false NOT NULL, 
	rate_label VARCHAR(100), 
	converted_label VARCHAR(100), 
	net_label VARCHAR(100), 
	tax_label VARCHAR(100), 
	total_label VARCHAR(100), 
	issues_pins BOOLEAN DEFAULT false NOT NULL, 
	PRIMARY KEY (id), 
	CONSTRAINT uq_merchant_services_entity_code UNIQUE (entity_code, code), 
	CONSTRAINT ck_merchant_services_max_retries CHECK (max_retries >= 0), 
	CONSTRAINT ck_merchant_services_attempt_limit CHECK (daily_attempt_limit >= 0), 
	CONSTRAINT ck_merchant_services_expiry_days CHECK (expiry_days >= 0), 
	CONSTRAINT ck_merchant_services_value CHECK (value >= 0), 
	FOREIGN KEY(entity_code) REFERENCES entities (code)
);

CREATE TABLE caja_agreements (
	id BIGSERIAL NOT NULL, 
	bank_code VARCHAR(3) NOT NULL, 
	code VARCHAR(20) NOT NULL, 
	entity_code VARCHAR(20) NOT NULL, 
	srv_code VARCHAR(20) NOT NULL, 
	gln VARCHAR(13), 
	max_invoices INTEGER NOT NULL, 
	reference_length INTEGER, 
	amount_length INTEGER, 
	account_number VARCHAR(17) NOT NULL, 
	account_type VARCHAR(2) NOT NULL, 
	enabled BOOLEAN NOT NULL, 
	PRIMARY KEY (id), 
	CONSTRAINT uq_caja_agreements_bank_code UNIQUE (bank_code, code), 
	CONSTRAINT fk_caja_agreements_service FOREIGN KEY(entity_code, srv_code) REFERENCES merchant_services (entity_code, code), 
	CONSTRAINT ck_caja_agreements_max_invoices CHECK (max_invoices > 0), 
	FOREIGN KEY(bank_code) REFERENCES caja_banks (code)
);

CREATE INDEX ix_caja_agreements_service ON caja_agreements (entity_code, srv_code);

CREATE SEQUENCE helpdesk_request_number_seq START WITH 1;

CREATE TABLE helpdesk_requests (
	number BIGINT NOT NULL, 
	catalog_version INTEGER NOT NULL, 
	category_code VARCHAR(100) NOT NULL, 
	item_code VARCHAR(200) NOT NULL, 
	summary VARCHAR(300) NOT NULL, 
	flow VARCHAR(12) NOT NULL, 
	state VARCHAR(30) NOT NULL, 
	resume_to VARCHAR(30), 
	priority VARCHAR(8) NOT NULL, 
	reporter_id BIGINT NOT NULL, 
	created_by_id BIGINT NOT NULL, 
	company_id BIGINT, 
	assignee_id BIGINT, 
	description TEXT NOT NULL, 
	phone VARCHAR(40) NOT NULL, 
	fields JSON NOT NULL, 
	notifications BOOLEAN NOT NULL, 
	idempotency_key VARCHAR(100), 
	idempotency_fingerprint VARCHAR(64), 
	related_number BIGINT, 
	precierre_cycle INTEGER NOT NULL, 
	created_at TIMESTAMP WITH TIME ZONE NOT NULL, 
	updated_at TIMESTAMP WITH TIME ZONE NOT NULL, 
	state_entered_at TIMESTAMP WITH TIME ZONE NOT NULL, 
	auto_close_at TIMESTAMP WITH TIME ZONE, 
	sla_check_at TIMESTAMP WITH TIME ZONE, 
	closed_at TIMESTAMP WITH TIME ZONE, 
	PRIMARY KEY (number), 
	CONSTRAINT uq_helpdesk_requests_idempotency UNIQUE (created_by_id, idempotency_key), 
	CONSTRAINT ck_helpdesk_priority CHECK (priority IN ('CRITICA', 'ALTA', 'MEDIA')), 
	CONSTRAINT ck_helpdesk_flow CHECK (flow IN ('SUPPORT', 'COMMERCIAL')), 
	FOREIGN KEY(reporter_id) REFERENCES helpdesk_people (id), 
	FOREIGN KEY(created_by_id) REFERENCES helpdesk_people (id), 
	FOREIGN KEY(company_id) REFERENCES helpdesk_companies (id), 
	FOREIGN KEY(assignee_id) REFERENCES helpdesk_people (id), 
	FOREIGN KEY(related_number) REFERENCES helpdesk_requests (number)
);

CREATE INDEX ix_helpdesk_requests_auto_close ON helpdesk_requests (auto_close_at) WHERE auto_close_at IS NOT NULL;

CREATE INDEX ix_helpdesk_requests_company ON helpdesk_requests (company_id, updated_at, number);

CREATE INDEX ix_helpdesk_requests_reporter ON helpdesk_requests (reporter_id, updated_at, number);

CREATE INDEX ix_helpdesk_requests_sla_check ON helpdesk_requests (sla_check_at) WHERE sla_check_at IS NOT NULL;

CREATE INDEX ix_helpdesk_requests_state ON helpdesk_requests (state, updated_at, number);

CREATE INDEX ix_helpdesk_requests_updated ON helpdesk_requests (updated_at, number);

CREATE TABLE helpdesk_sessions (
	token_hash VARCHAR(64) NOT NULL, 
	person_id BIGINT NOT NULL, 
	created_at TIMESTAMP WITH TIME ZONE NOT NULL, 
	expires_at TIMESTAMP WITH TIME ZONE NOT NULL, 
	revoked_at TIMESTAMP WITH TIME ZONE, 
	address VARCHAR(64) NOT NULL, 
	PRIMARY KEY (token_hash), 
	FOREIGN KEY(person_id) REFERENCES helpdesk_people (id)
);

CREATE INDEX ix_helpdesk_sessions_person ON helpdesk_sessions (person_id);

CREATE TABLE service_references (
	id SERIAL NOT NULL, 
	service_id INTEGER NOT NULL, 
	position INTEGER NOT NULL, 
	title VARCHAR(100) NOT NULL, 
	type VARCHAR(20) NOT NULL, 
	required BOOLEAN NOT NULL, 
	uppercase BOOLEAN NOT NULL, 
	constant_value VARCHAR(100), 
	hidden BOOLEAN NOT NULL, 
	read_only BOOLEAN NOT NULL, 
	length_rule VARCHAR(100), 
	double_payment_control BOOLEAN NOT NULL, 
	prefix VARCHAR(50), 
	help_text VARCHAR(500), 
	list_config JSON, 
	shown_when JSON, 
	PRIMARY KEY (id), 
	CONSTRAINT uq_service_references_position UNIQUE (service_id, position), 
	CONSTRAINT ck_service_references_double CHECK (NOT double_payment_control OR position < 3), 
	CONSTRAINT ck_service_references_position CHECK (position >= 0), 
	FOREIGN KEY(service_id) REFERENCES merchant_services (id) ON DELETE CASCADE
);

CREATE SEQUENCE transactions_ticket_id_seq START WITH 1000001;

CREATE TABLE transactions (
	ticket_id BIGINT NOT NULL, 
	entity_code VARCHAR(20) NOT NULL, 
	srv_code VARCHAR(20) NOT NULL, 
	trans_value NUMERIC(18, 2) NOT NULL, 
	trans_vat_value NUMERIC(18, 2) NOT NULL, 
	currency VARCHAR(3) NOT NULL, 
	pay_currency VARCHAR(3) NOT NULL, 
	currency_rate NUMERIC(18, 6) NOT NULL, 
	state VARCHAR(20) NOT NULL, 
	payment_system VARCHAR(3), 
	fi_code VARCHAR(20), 
	fi_name VARCHAR(100), 
	trazability_code VARCHAR(40), 
	bank_process_date TIMESTAMP WITH TIME ZONE, 
	invoice VARCHAR(100), 
	url_response VARCHAR(500), 
	url_redirect VARCHAR(500), 
	sign VARCHAR(200), 
	sign_fields VARCHAR(200), 
	policy_code VARCHAR(50), 
	auth_references JSON NOT NULL, 
	extras JSON NOT NULL, 
	double_payment_key VARCHAR(400), 
	double_payment_lock VARCHAR(400), 
	refuses_double_payment BOOLEAN NOT NULL, 
	payer_key VARCHAR(100), 
	retry_of BIGINT, 
	channel VARCHAR(20) NOT NULL, 
	session_token VARCHAR(64) NOT NULL, 
	expires_at TIMESTAMP WITH TIME ZONE NOT NULL, 
	created_at TIMESTAMP WITH TIME ZONE NOT NULL, 
	updated_at TIMESTAMP WITH TIME ZONE NOT NULL, 
	version INTEGER NOT NULL, 
	PRIMARY KEY (ticket_id), 
	CONSTRAINT fk_transactions_service FOREIGN KEY(entity_code, srv_code) REFERENCES merchant_services (entity_code, code), 
	CONSTRAINT uq_transactions_session_token UNIQUE (session_token), 
	CONSTRAINT uq_transactions_double_payment_lock UNIQUE (entity_code, srv_code, double_payment_lock), 
	CONSTRAINT ck_transactions_value CHECK (trans_value > 0), 
	CONSTRAINT ck_transactions_vat CHECK (trans_vat_value >= 0), 
	CONSTRAINT ck_transactions_state CHECK (state IN ('CREATED','BANK','PENDING','CAPTURED','OK','NOT_AUTHORIZED','FAILED','EXPIRED')), 
	FOREIGN KEY(entity_code) REFERENCES entities (code), 
	FOREIGN KEY(retry_of) REFERENCES transactions (ticket_id)
);

CREATE INDEX ix_transactions_double_payment_key ON transactions (entity_code, srv_code, double_payment_key, ticket_id) WHERE double_payment_key IS NOT NULL;

CREATE INDEX ix_transactions_lapsing_expires ON transactions (expires_at) WHERE state IN ('BANK', 'CAPTURED', 'CREATED', 'PENDING');

CREATE INDEX ix_transactions_payer_day ON transactions (entity_code, srv_code, payer_key, created_at);

CREATE INDEX ix_transactions_retry_of ON transactions (retry_of, ticket_id);

CREATE TABLE cartera_invoices (
	id BIGSERIAL NOT NULL, 
	entity_code VARCHAR(20) NOT NULL, 
	srv_code VARCHAR(20) NOT NULL, 
	reference1 VARCHAR(48) NOT NULL, 
	reference2 VARCHAR(48), 
	reference3 VARCHAR(48), 
	id_type VARCHAR(3) NOT NULL, 
	id_number VARCHAR(20) NOT NULL, 
	name VARCHAR(200) NOT NULL, 
	description VARCHAR(500) NOT NULL, 
	due_date_1 DATE NOT NULL, 
	value_1 NUMERIC(18, 2) NOT NULL, 
	due_date_2 DATE, 
	value_2 NUMERIC(18, 2), 
	due_date_3 DATE, 
	value_3 NUMERIC(18, 2), 
	partial_allowed BOOLEAN NOT NULL, 
	minimum_value NUMERIC(18, 2), 
	minimum_percent NUMERIC(5, 2), 
	overdue_days INTEGER NOT NULL, 
	state VARCHAR(12) NOT NULL, 
	paid_total NUMERIC(18, 2) NOT NULL, 
	balance NUMERIC(18, 2) NOT NULL, 
	created_at TIMESTAMP WITH TIME ZONE NOT NULL, 
	updated_at TIMESTAMP WITH TIME ZONE NOT NULL, 
	version INTEGER NOT NULL, 
	ticket_id BIGINT, 
	PRIMARY KEY (id), 
	CONSTRAINT uq_cartera_invoices_reference UNIQUE (entity_code, srv_code, reference1), 
	CONSTRAINT fk_cartera_invoices_service FOREIGN KEY(entity_code, srv_code) REFERENCES merchant_services (entity_code, code), 
	CONSTRAINT ck_cartera_invoices_state CHECK (state IN ('PENDIENTE', 'PAGADA', 'ANULADA')), 
	CONSTRAINT ck_cartera_invoices_value CHECK (value_1 > 0), 
	CONSTRAINT ck_cartera_invoices_paid CHECK (paid_total >= 0), 
	CONSTRAINT ck_cartera_invoices_overdue_days CHECK (overdue_days >= 0), 
	UNIQUE (ticket_id), 
	FOREIGN KEY(ticket_id) REFERENCES transactions (ticket_id)
);

CREATE INDEX ix_cartera_invoices_customer ON cartera_invoices (entity_code, srv_code, id_type, id_number, due_date_1);

CREATE TABLE helpdesk_events (
	id BIGSERIAL NOT NULL, 
	request_number BIGINT NOT NULL, 
	at TIMESTAMP WITH TIME ZONE NOT NULL, 
	actor_id BIGINT, 
	kind VARCHAR(30) NOT NULL, 
	from_state VARCHAR(30), 
	to_state VARCHAR(30), 
	body TEXT NOT NULL, 
	internal BOOLEAN NOT NULL, 
	clock VARCHAR(12), 
	cycle INTEGER, 
	data JSON NOT NULL, 
	PRIMARY KEY (id), 
	FOREIGN KEY(request_number) REFERENCES helpdesk_requests (number), 
	FOREIGN KEY(actor_id) REFERENCES helpdesk_people (id)
);

CREATE INDEX ix_helpdesk_events_request ON helpdesk_events (request_number, id);

CREATE UNIQUE INDEX uq_helpdesk_events_breach ON helpdesk_events (request_number, cycle, clock) WHERE kind = 'SLA_BREACHED';

CREATE FUNCTION helpdesk_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'helpdesk_events is append-only'; END $$;

CREATE TRIGGER helpdesk_events_append_only BEFORE UPDATE OR DELETE ON helpdesk_events FOR EACH ROW EXECUTE FUNCTION helpdesk_events_append_only();

CREATE TABLE helpdesk_shares (
	request_number BIGINT NOT NULL, 
	email VARCHAR(254) NOT NULL, 
	shared_by_id BIGINT NOT NULL, 
	created_at TIMESTAMP WITH TIME ZONE NOT NULL, 
	PRIMARY KEY (request_number, email), 
	FOREIGN KEY(request_number) REFERENCES helpdesk_requests (number), 
	FOREIGN KEY(shared_by_id) REFERENCES helpdesk_people (id)
);

CREATE INDEX ix_helpdesk_shares_email ON helpdesk_shares (email, request_number);

CREATE TABLE helpdesk_surveys (
	request_number BIGINT NOT NULL, 
	cycle INTEGER NOT NULL, 
	service_rating INTEGER NOT NULL, 
	timeliness_rating INTEGER NOT NULL, 
	authorize_closing BOOLEAN NOT NULL, 
	comment TEXT NOT NULL, 
	answered_by_id BIGINT NOT NULL, 
	answered_at TIMESTAMP WITH TIME ZONE NOT NULL, 
	PRIMARY KEY (request_number, cycle), 
	CONSTRAINT ck_helpdesk_surveys_service CHECK (service_rating BETWEEN 1 AND 5), 
	CONSTRAINT ck_helpdesk_surveys_timeliness CHECK (timeliness_rating BETWEEN 1 AND 5), 
	FOREIGN KEY(request_number) REFERENCES helpdesk_requests (number), 
	FOREIGN KEY(answered_by_id) REFERENCES helpdesk_people (id)
);

CREATE TABLE merchant_callbacks (
	id BIGSERIAL NOT NULL, 
	ticket_id BIGINT NOT NULL, 
	state VARCHAR(20) NOT NULL, 
	url VARCHAR(500) NOT NULL, 
	payload JSON NOT NULL, 
	status VARCHAR(10) NOT NULL, 
	attempts INTEGER NOT NULL, 
	next_attempt_at TIMESTAMP WITH TIME ZONE NOT NULL, 
	claim_token VARCHAR(32), 
	created_at TIMESTAMP WITH TIME ZONE NOT NULL, 
	delivered_at TIMESTAMP WITH TIME ZONE, 
	PRIMARY KEY (id), 
	CONSTRAINT uq_merchant_callbacks_ticket_state UNIQUE (ticket_id, state), 
	CONSTRAINT ck_merchant_callbacks_status CHECK (status IN ('pending', 'delivered', 'failed', 'superseded')), 
	FOREIGN KEY(ticket_id) REFERENCES transactions (ticket_id)
);

CREATE INDEX ix_merchant_callbacks_due ON merchant_callbacks (status, next_attempt_at);

CREATE TABLE service_pins (
	id BIGSERIAL NOT NULL, 
	entity_code VARCHAR(20) NOT NULL, 
	srv_code VARCHAR(20) NOT NULL, 
	position INTEGER NOT NULL, 
	pin VARCHAR(100) NOT NULL, 
	ticket_id BIGINT, 
	loaded_at TIMESTAMP WITH TIME ZONE NOT NULL, 
	assigned_at TIMESTAMP WITH TIME ZONE, 
	PRIMARY KEY (id), 
	CONSTRAINT fk_service_pins_service FOREIGN KEY(entity_code, srv_code) REFERENCES merchant_services (entity_code, code), 
	CONSTRAINT uq_service_pins_position UNIQUE (entity_code, srv_code, position), 
	CONSTRAINT uq_service_pins_pin UNIQUE (entity_code, srv_code, pin), 
	CONSTRAINT uq_service_pins_ticket UNIQUE (ticket_id), 
	CONSTRAINT ck_service_pins_position CHECK (position > 0), 
	FOREIGN KEY(ticket_id) REFERENCES transactions (ticket_id)
);

CREATE INDEX ix_service_pins_free ON service_pins (entity_code, srv_code, position) WHERE ticket_id IS NULL;

CREATE TABLE transaction_references (
	ticket_id BIGINT NOT NULL, 
	position INTEGER NOT NULL, 
	value VARCHAR(100) NOT NULL, 
	PRIMARY KEY (ticket_id, position), 
	FOREIGN KEY(ticket_id) REFERENCES transactions (ticket_id) ON DELETE CASCADE
);

CREATE INDEX ix_transaction_references_value ON transaction_references (value);

CREATE TABLE transaction_state_history (
	id BIGSERIAL NOT NULL, 
	ticket_id BIGINT NOT NULL, 
	from_state VARCHAR(20), 
	to_state VARCHAR(20) NOT NULL, 
	at TIMESTAMP WITH TIME ZONE NOT NULL, 
	source VARCHAR(40) NOT NULL, 
	detail TEXT NOT NULL, 
	PRIMARY KEY (id), 
	FOREIGN KEY(ticket_id) REFERENCES transactions (ticket_id)
);

CREATE INDEX ix_transaction_state_history_ticket ON transaction_state_history (ticket_id, id);

CREATE FUNCTION transaction_state_history_append_only() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'transaction_state_history is append-only'; END $$;

CREATE TRIGGER transaction_state_history_append_only BEFORE UPDATE OR DELETE ON transaction_state_history FOR EACH ROW EXECUTE FUNCTION transaction_state_history_append_only();

CREATE TABLE caja_payments (
	id BIGSERIAL NOT NULL, 
	operation_id BIGINT NOT NULL, 
	bank_code VARCHAR(3) NOT NULL, 
	id_transaccion VARCHAR(36) NOT NULL, 
	agreement_id BIGINT NOT NULL, 
	invoice_id BIGINT NOT NULL, 
	ticket_id BIGINT NOT NULL, 
	numero_autorizacion_banco VARCHAR(16) NOT NULL, 
	valor_efectivo NUMERIC(18, 2) NOT NULL, 
	valor_cheque NUMERIC(18, 2) NOT NULL, 
	valor_total NUMERIC(18, 2) NOT NULL, 
	forma_pago VARCHAR(1) NOT NULL, 
	state VARCHAR(16) NOT NULL, 
	fecha_compensacion DATE NOT NULL, 
	jornada VARCHAR(1) NOT NULL, 
	canal VARCHAR(2) NOT NULL, 
	oficina VARCHAR(4) NOT NULL, 
	terminal VARCHAR(10), 
	operador VARCHAR(10), 
	fecha_hora_transaccion TIMESTAMP WITH TIME ZONE NOT NULL, 
	created_at TIMESTAMP WITH TIME ZONE NOT NULL, 
	updated_at TIMESTAMP WITH TIME ZONE NOT NULL, 
	PRIMARY KEY (id), 
	CONSTRAINT ck_caja_payments_state CHECK (state IN ('APLICADO', 'PENDIENTE_CANJE', 'REVERSADO', 'DEVUELTO')), 
	CONSTRAINT ck_caja_payments_forma CHECK (forma_pago IN ('E', 'C', 'M')), 
	CONSTRAINT ck_caja_payments_total CHECK (valor_total > 0), 
	CONSTRAINT ck_caja_payments_sum CHECK (CAST(ROUND(valor_total * 100) AS BIGINT) = CAST(ROUND(valor_efectivo * 100) AS BIGINT) + CAST(ROUND(valor_cheque * 100) AS BIGINT)), 
	CONSTRAINT uq_caja_payments_bank_id UNIQUE (bank_code, id_transaccion), 
	UNIQUE (operation_id), 
	FOREIGN KEY(operation_id) REFERENCES caja_operations (id), 
	FOREIGN KEY(bank_code) REFERENCES caja_banks (code), 
	FOREIGN KEY(agreement_id) REFERENCES caja_agreements (id), 
	FOREIGN KEY(invoice_id) REFERENCES cartera_invoices (id), 
	UNIQUE (ticket_id), 
	FOREIGN KEY(ticket_id) REFERENCES transactions (ticket_id)
);

CREATE INDEX ix_caja_payments_bank_date ON caja_payments (bank_code, fecha_compensacion, id);

CREATE INDEX ix_caja_payments_invoice ON caja_payments (invoice_id, id);

CREATE TABLE cartera_invoice_history (
	id BIGSERIAL NOT NULL, 
	invoice_id BIGINT NOT NULL, 
	at TIMESTAMP WITH TIME ZONE NOT NULL, 
	source VARCHAR(40) NOT NULL, 
	from_state VARCHAR(12), 
	to_state VARCHAR(12) NOT NULL, 
	paid_total NUMERIC(18, 2) NOT NULL, 
	detail TEXT NOT NULL, 
	PRIMARY KEY (id), 
	FOREIGN KEY(invoice_id) REFERENCES cartera_invoices (id)
);

CREATE INDEX ix_cartera_invoice_history_invoice ON cartera_invoice_history (invoice_id, id);

CREATE FUNCTION cartera_invoice_history_append_only() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'cartera_invoice_history is append-only'; END $$;

CREATE TRIGGER cartera_invoice_history_append_only BEFORE UPDATE OR DELETE ON cartera_invoice_history FOR EACH ROW EXECUTE FUNCTION cartera_invoice_history_append_only();

CREATE TABLE helpdesk_attachments (
	id BIGSERIAL NOT NULL, 
	request_number BIGINT NOT NULL, 
	event_id BIGINT, 
	file_name VARCHAR(255) NOT NULL, 
	content_type VARCHAR(100) NOT NULL, 
	size INTEGER NOT NULL, 
	sha256 VARCHAR(64) NOT NULL, 
	content BYTEA NOT NULL, 
	internal BOOLEAN NOT NULL, 
	uploaded_by_id BIGINT NOT NULL, 
	created_at TIMESTAMP WITH TIME ZONE NOT NULL, 
	PRIMARY KEY (id), 
	FOREIGN KEY(request_number) REFERENCES helpdesk_requests (number), 
	FOREIGN KEY(event_id) REFERENCES helpdesk_events (id), 
	FOREIGN KEY(uploaded_by_id) REFERENCES helpdesk_people (id)
);

CREATE INDEX ix_helpdesk_attachments_request ON helpdesk_attachments (request_number, id);

CREATE TABLE merchant_callback_attempts (
	id BIGSERIAL NOT NULL, 
	callback_id BIGINT NOT NULL, 
	attempt INTEGER NOT NULL, 
	at TIMESTAMP WITH TIME ZONE NOT NULL, 
	duration_ms INTEGER, 
	http_status INTEGER, 
	response_excerpt TEXT NOT NULL, 
	error TEXT NOT NULL, 
	PRIMARY KEY (id), 
	FOREIGN KEY(callback_id) REFERENCES merchant_callbacks (id)
);

CREATE INDEX ix_merchant_callback_attempts_callback ON merchant_callback_attempts (callback_id, id);

CREATE TABLE caja_cheques (
	id BIGSERIAL NOT NULL, 
	payment_id BIGINT NOT NULL, 
	banco VARCHAR(3) NOT NULL, 
	numero VARCHAR(20) NOT NULL, 
	valor NUMERIC(18, 2) NOT NULL, 
	tipo_canje VARCHAR(1) NOT NULL, 
	PRIMARY KEY (id), 
	CONSTRAINT ck_caja_cheques_canje CHECK (tipo_canje IN ('P', 'O')), 
	CONSTRAINT ck_caja_cheques_valor CHECK (valor > 0), 
	FOREIGN KEY(payment_id) REFERENCES caja_payments (id)
);

CREATE INDEX ix_caja_cheques_payment ON caja_cheques (payment_id);

CREATE TABLE caja_reversals (
	id BIGSERIAL NOT NULL, 
	operation_id BIGINT NOT NULL, 
	bank_code VARCHAR(3) NOT NULL, 
	original_id_transaccion VARCHAR(36) NOT NULL, 
	numero_autorizacion_banco VARCHAR(16), 
	payment_id BIGINT, 
	motivo VARCHAR(3) NOT NULL, 
	fecha_compensacion DATE NOT NULL, 
	jornada VARCHAR(1) NOT NULL, 
	created_at TIMESTAMP WITH TIME ZONE NOT NULL, 
	PRIMARY KEY (id), 
	CONSTRAINT uq_caja_reversals_original UNIQUE (bank_code, original_id_transaccion), 
	UNIQUE (operation_id), 
	FOREIGN KEY(operation_id) REFERENCES caja_operations (id), 
	FOREIGN KEY(bank_code) REFERENCES caja_banks (code), 
	FOREIGN KEY(payment_id) REFERENCES caja_payments (id)
);
