"""Contains all the data models used in inputs/outputs"""

from .activity_read import ActivityRead
from .activity_read_after_type_0 import ActivityReadAfterType0
from .activity_read_before_type_0 import ActivityReadBeforeType0
from .api_token_create import ApiTokenCreate
from .api_token_create_scope import ApiTokenCreateScope
from .api_token_created import ApiTokenCreated
from .api_token_created_scope import ApiTokenCreatedScope
from .api_token_read import ApiTokenRead
from .api_token_read_scope import ApiTokenReadScope
from .balance_drift import BalanceDrift
from .balance_read import BalanceRead
from .bank_mapping_in import BankMappingIn
from .bank_mapping_in_decimal import BankMappingInDecimal
from .bank_mapping_in_split_type_1 import BankMappingInSplitType1
from .bank_mapping_in_thousands import BankMappingInThousands
from .body_auth_token import BodyAuthToken
from .body_imports_run import BodyImportsRun
from .body_imports_run_format_type_0 import BodyImportsRunFormatType0
from .conversion_read import ConversionRead
from .converted_balances import ConvertedBalances
from .currency_total import CurrencyTotal
from .delivery_read import DeliveryRead
from .delivery_read_status import DeliveryReadStatus
from .entry_read import EntryRead
from .exchange_read import ExchangeRead
from .exports_download_format import ExportsDownloadFormat
from .exports_download_response_200 import ExportsDownloadResponse200
from .field_error_out import FieldErrorOut
from .frequency import Frequency
from .google_sign_in import GoogleSignIn
from .group_create import GroupCreate
from .group_read import GroupRead
from .group_update import GroupUpdate
from .health_read import HealthRead
from .import_balance import ImportBalance
from .import_report import ImportReport
from .imported_member import ImportedMember
from .invalid_row import InvalidRow
from .invite_accept import InviteAccept
from .invite_create import InviteCreate
from .invite_created import InviteCreated
from .invite_received import InviteReceived
from .kept_in_notes import KeptInNotes
from .member_create import MemberCreate
from .member_read import MemberRead
from .member_update import MemberUpdate
from .occurrence_read import OccurrenceRead
from .page_activity_read import PageActivityRead
from .page_transaction_read import PageTransactionRead
from .password_change import PasswordChange
from .payer_in import PayerIn
from .payer_read import PayerRead
from .problem import Problem
from .rate_read import RateRead
from .rate_set import RateSet
from .rate_used import RateUsed
from .readiness_read import ReadinessRead
from .recurring_rule_create import RecurringRuleCreate
from .recurring_rule_detail import RecurringRuleDetail
from .recurring_rule_detail_status import RecurringRuleDetailStatus
from .recurring_rule_detail_transaction import RecurringRuleDetailTransaction
from .recurring_rule_read import RecurringRuleRead
from .recurring_rule_read_status import RecurringRuleReadStatus
from .recurring_rule_read_transaction import RecurringRuleReadTransaction
from .recurring_rule_update import RecurringRuleUpdate
from .refresh_token_in import RefreshTokenIn
from .role import Role
from .schedule_in import ScheduleIn
from .schedule_in_weekdays_type_0_item import ScheduleInWeekdaysType0Item
from .schedule_read import ScheduleRead
from .schedule_read_weekdays_type_0_item import ScheduleReadWeekdaysType0Item
from .settle_up_record import SettleUpRecord
from .settlement_read import SettlementRead
from .split_entry_in import SplitEntryIn
from .split_entry_read import SplitEntryRead
from .split_in import SplitIn
from .split_mode import SplitMode
from .split_read import SplitRead
from .summary_read import SummaryRead
from .summary_read_by import SummaryReadBy
from .summary_row import SummaryRow
from .template_update import TemplateUpdate
from .token_pair import TokenPair
from .transaction_create import TransactionCreate
from .transaction_kind import TransactionKind
from .transaction_read import TransactionRead
from .transaction_template import TransactionTemplate
from .transaction_update import TransactionUpdate
from .transactions_list_deleted import TransactionsListDeleted
from .transfer_read import TransferRead
from .user_create import UserCreate
from .user_read import UserRead
from .user_renamed import UserRenamed
from .user_update import UserUpdate
from .users_summary_by import UsersSummaryBy
from .verify_report import VerifyReport
from .webhook_create import WebhookCreate
from .webhook_create_events_item import WebhookCreateEventsItem
from .webhook_created import WebhookCreated
from .webhook_created_events_item import WebhookCreatedEventsItem
from .webhook_read import WebhookRead
from .webhook_read_events_item import WebhookReadEventsItem
from .webhook_secret import WebhookSecret
from .webhook_update import WebhookUpdate
from .webhook_update_events_type_0_item import WebhookUpdateEventsType0Item
from .webhooks_deliveries_status_type_0 import WebhooksDeliveriesStatusType0

__all__ = (
    "ActivityRead",
    "ActivityReadAfterType0",
    "ActivityReadBeforeType0",
    "ApiTokenCreate",
    "ApiTokenCreateScope",
    "ApiTokenCreated",
    "ApiTokenCreatedScope",
    "ApiTokenRead",
    "ApiTokenReadScope",
    "BalanceDrift",
    "BalanceRead",
    "BankMappingIn",
    "BankMappingInDecimal",
    "BankMappingInSplitType1",
    "BankMappingInThousands",
    "BodyAuthToken",
    "BodyImportsRun",
    "BodyImportsRunFormatType0",
    "ConversionRead",
    "ConvertedBalances",
    "CurrencyTotal",
    "DeliveryRead",
    "DeliveryReadStatus",
    "EntryRead",
    "ExchangeRead",
    "ExportsDownloadFormat",
    "ExportsDownloadResponse200",
    "FieldErrorOut",
    "Frequency",
    "GoogleSignIn",
    "GroupCreate",
    "GroupRead",
    "GroupUpdate",
    "HealthRead",
    "ImportBalance",
    "ImportReport",
    "ImportedMember",
    "InvalidRow",
    "InviteAccept",
    "InviteCreate",
    "InviteCreated",
    "InviteReceived",
    "KeptInNotes",
    "MemberCreate",
    "MemberRead",
    "MemberUpdate",
    "OccurrenceRead",
    "PageActivityRead",
    "PageTransactionRead",
    "PasswordChange",
    "PayerIn",
    "PayerRead",
    "Problem",
    "RateRead",
    "RateSet",
    "RateUsed",
    "ReadinessRead",
    "RecurringRuleCreate",
    "RecurringRuleDetail",
    "RecurringRuleDetailStatus",
    "RecurringRuleDetailTransaction",
    "RecurringRuleRead",
    "RecurringRuleReadStatus",
    "RecurringRuleReadTransaction",
    "RecurringRuleUpdate",
    "RefreshTokenIn",
    "Role",
    "ScheduleIn",
    "ScheduleInWeekdaysType0Item",
    "ScheduleRead",
    "ScheduleReadWeekdaysType0Item",
    "SettleUpRecord",
    "SettlementRead",
    "SplitEntryIn",
    "SplitEntryRead",
    "SplitIn",
    "SplitMode",
    "SplitRead",
    "SummaryRead",
    "SummaryReadBy",
    "SummaryRow",
    "TemplateUpdate",
    "TokenPair",
    "TransactionCreate",
    "TransactionKind",
    "TransactionRead",
    "TransactionTemplate",
    "TransactionUpdate",
    "TransactionsListDeleted",
    "TransferRead",
    "UserCreate",
    "UserRead",
    "UserRenamed",
    "UserUpdate",
    "UsersSummaryBy",
    "VerifyReport",
    "WebhookCreate",
    "WebhookCreateEventsItem",
    "WebhookCreated",
    "WebhookCreatedEventsItem",
    "WebhookRead",
    "WebhookReadEventsItem",
    "WebhookSecret",
    "WebhookUpdate",
    "WebhookUpdateEventsType0Item",
    "WebhooksDeliveriesStatusType0",
)
