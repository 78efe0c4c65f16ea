export { deliver, newDeliveryRun, recoverInterrupted, type DeliverOptions, type DeliveryFailure, type DeliveryResult, type DeliveryRun } from '../app/mail/deliver.js';
export { defaultOutboxDir, openTransport, retryDelays, retryDelaysOf, type TransportPlace } from '../app/mail/settings.js';
export { SendFailure, type OutgoingLetter, type Transport } from './transport.js';
export { EmlTransport } from './eml.js';
export { SmtpTransport } from './smtp.js';
