package vocab

import (
	"maps"
	"slices"
)

// replyFields lists each buyer reply template and the data fields it may use.
func replyFields() map[string][]string {
	return map[string][]string{
		"welcome":                  {"Shop"},
		"greeting":                 {"Shop"},
		"menu":                     {"Menu"},
		"refund_or_return":         {"Menu"},
		"ask_order":                {"Intent"},
		"ask_order_address":        {"Intent"},
		"ask_photo":                {"Intent"},
		"ask_photo_missing":        {},
		"order_not_found":          {"OrderID"},
		"case_opened":              {"CaseID", "Intent", "OrderID", "Deadline"},
		"case_updated":             {"CaseID", "Intent"},
		"complaint_opened":         {"CaseID", "Deadline"},
		"complaint_harm":           {"CaseID", "Deadline"},
		"logistics_shipped":        {"OrderID", "Courier", "TrackingNo", "Logistics"},
		"logistics_resent":         {"OrderID", "CaseID", "Intent", "TrackingNo", "Text"},
		"logistics_chase":          {"OrderID", "Courier", "TrackingNo", "Logistics", "CaseID", "Deadline", "Left"},
		"logistics_unshipped":      {"OrderID"},
		"unshipped_refunding":      {"OrderID", "CaseID"},
		"unshipped_refunded":       {"OrderID", "CaseID"},
		"logistics_no_order":       {},
		"logistics_no_order_sorry": {},
		"logistics_unpaid":         {"OrderID"},
		"human":                    {"Shop", "Deadline"},
		"human_wait":               {"Shop", "Deadline"},
		"released":                 {"CaseID"},
		"cancelled":                {"CaseID"},
		"nothing_to_cancel":        {},
		"approved":                 {"CaseID", "Intent", "Reason"},
		"approved_harm":            {"CaseID", "Intent", "Reason"},
		"approved_return":          {"CaseID", "Intent", "Address", "Reason"},
		"approved_sent_back":       {"CaseID", "Intent", "Reason", "TrackingNo"},
		"return_address":           {"CaseID", "Address"},
		"return_address_later":     {"CaseID"},
		"no_send_back":             {"CaseID"},
		"question_late":            {"CaseID"},
		"case_opened_status":       {"CaseID", "Intent", "OrderID", "Deadline"},
		"rejected":                 {"CaseID", "Intent", "Reason"},
		"other":                    {},
		"too_long":                 {"Max"},
		"empty":                    {},
		"media_received":           {"CaseID", "Intent"},
		"media_no_case":            {"Media"},
		"ask_order_again":          {"Intent"},
		"status_ask_order":         {"Intent"},
		"noted":                    {},
		"logistics_order_again":    {},
		"busy":                     {},
		"platform_apply":           {"Intent", "OrderID"},
		"waiting_buyer":            {"CaseID", "Intent", "Reason"},
		"buyer_reminder":           {"CaseID", "Intent"},
		"thanks":                   {"Shop"},
		"praised":                  {"Shop"},
		"ack":                      {"Shop"},
		"confirm":                  {"Intent"},
		"confirm_cancel":           {"CaseID", "Intent"},
		"case_status":              {"CaseID", "Intent", "OrderID", "Status", "Deadline"},
		"complaint_joined":         {"CaseID", "Intent"},
		"complaint_noted":          {"CaseID", "Intent"},
		"request_changed":          {"CaseID", "Intent"},
		"request_corrected":        {"CaseID", "Intent"},
		"status_order_again":       {"Intent"},
		"followup":                 {"CaseID", "Intent"},
		"followup_reason":          {"CaseID", "Intent", "Reason"},
		"followup_escalated":       {"CaseID", "Intent"},
		"compensation_asked":       {"CaseID"},
		"confirm_cancel_plain":     {"CaseID"},
		"followup_person":          {"CaseID"},
		"withdrawn_after":          {"CaseID", "Intent"},
		"goods_back":               {"CaseID", "Intent", "TrackingNo"},
		"go_on":                    {"Text"},
		"question_rest":            {"CaseID", "Deadline", "Left"},
		"other_item_order":         {},
		"waiting_still":            {"CaseID", "Reason"},
		"ship_late":                {"CaseID", "OrderID", "Deadline", "Left"},
		"ship_late_closed":         {"CaseID", "OrderID", "Deadline", "Left"},
		"not_received":             {"CaseID", "OrderID", "Deadline", "Left"},
		"order_help":               {"Intent"},
		"complaint_resolved":       {"CaseID", "Reason"},
		"complaint_resolved_sorry": {"CaseID", "Reason"},
		"complaint_answered":       {"CaseID", "Reason"},
		"closed":                   {"CaseID", "Intent", "Reason"},
		"closed_done":              {"CaseID", "Intent", "Reason"},
		"remedy_menu":              {"Menu"},
		"confirm_complaint":        {},
		"remedy_again":             {},
		"remedy_later":             {},
		"remedy_order":             {"OrderID"},
		"too_fast":                 {},
		"verify_order":             {"OrderID"},
		"verify_failed":            {},
		"order_not_yours":          {"OrderID"},
		"order_unpaid":             {"OrderID"},
		"order_closed":             {"OrderID"},
		"order_unshipped":          {"OrderID"},
		"voice_passed":             {"CaseID", "Deadline", "Left"},
		"case_limit":               {},
		"question":                 {"CaseID", "Deadline", "Left"},
		"order_check":              {"CaseID", "Deadline", "Left", "OrderID"},
		"order_later":              {"Intent"},
		"order_corrected":          {"CaseID", "Intent", "OrderID"},
		"order_corrected_later":    {"CaseID", "OrderID"},
		"to_merchant":              {"CaseID"},
		"instruction_noted":        {"CaseID", "Deadline", "Left"},
		"refund_closed_check":      {"CaseID", "Deadline", "Left", "OrderID"},
		"closed_order_check":       {"OrderID", "CaseID", "Deadline", "Left"},
		"phone_passed":             {"CaseID", "Deadline", "Left"},
		"feedback":                 {"CaseID", "Deadline", "Left"},
		"order_conflict":           {"CaseID", "Deadline", "Left", "OrderID"},
		"whoami":                   {"Shop"},
		"request_denied":           {"CaseID", "Intent"},
		"question_closed":          {"CaseID", "Deadline", "Left"},
		"question_more":            {"CaseID"},
		"question_more_closed":     {"CaseID", "Deadline"},
		"faq_then_order":           {"Intent"},
		"several_orders":           {"Menu"},
		"ask_orders":               {"Intent"},
		"waiting_noted":            {"CaseID"},
		"phone_noted":              {"CaseID"},
		"person_order_noted":       {"CaseID", "OrderID"},
		"order_menu":               {"OrderID", "Menu"},
	}
}

// alertFields lists each merchant alert template and the data fields it may use.
func alertFields() map[string][]string {
	return map[string][]string{
		"new_case":           {"CaseID", "Shop", "Intent", "OrderID", "Buyer", "Deadline", "Left", "Text"},
		"warn":               {"CaseID", "Shop", "Intent", "OrderID", "Buyer", "Deadline", "Left"},
		"reminder":           {"CaseID", "Shop", "Intent", "OrderID", "Buyer", "Deadline", "Left"},
		"overdue":            {"CaseID", "Shop", "Intent", "OrderID", "Buyer", "Deadline", "Left"},
		"complaint":          {"CaseID", "Shop", "Intent", "OrderID", "Buyer", "Deadline", "Left", "Text"},
		"cancelled_by_buyer": {"CaseID", "Buyer"},
		"followup":           {"CaseID", "Shop", "Intent", "OrderID", "Buyer", "Text", "Status"},
		"buyer_withdrew":     {"CaseID", "Shop", "Intent", "OrderID", "Buyer", "Text", "Status"},
		"goods_back":         {"CaseID", "Shop", "Intent", "OrderID", "Buyer", "Text", "Status"},
		"question":           {"CaseID", "Shop", "Buyer", "Text", "Deadline", "Left"},
		"human":              {"CaseID", "Shop", "Buyer", "Text", "Deadline", "Left"},
		"buyer_replied":      {"CaseID", "Shop", "Intent", "OrderID", "Buyer", "Text", "Deadline", "Left"},
		"question_wait":      {"CaseID", "Shop", "Buyer", "Text", "Waited", "Deadline", "Left"},
		"buyer_said":         {"CaseID", "Shop", "Buyer", "Text"},
		"human_wait":         {"CaseID", "Shop", "Buyer", "Text", "Waited", "Deadline", "Left"},
	}
}

// Template groups: the config sections that hold them.
const (
	Replies = "replies"
	Alerts  = "alerts"
)

// TemplateKeys lists the template names of a group (Replies or Alerts), sorted; every one
// must be configured. Nil for an unknown group.
func TemplateKeys(group string) []string {
	f := fieldsOf(group)
	if f == nil {
		return nil
	}
	return slices.Sorted(maps.Keys(f))
}

// TemplateFields lists the data fields the template group.key may use, and whether there
// is such a template.
func TemplateFields(group, key string) ([]string, bool) {
	f, ok := fieldsOf(group)[key]
	return f, ok
}

func fieldsOf(group string) map[string][]string {
	switch group {
	case Replies:
		return replyFields()
	case Alerts:
		return alertFields()
	}
	return nil
}
