export { deliver, newDeliveryRun, recoverInterrupted, type DeliverOptions, type DeliveryFailure, type DeliveryResult, type DeliveryRun } from './deliver.js';
export { defaultOutboxDir, openTransport, retryDelays, retryDelaysOf, type TransportPlace } from './settings.js';
export { SendFailure, type OutgoingLetter, type Transport } from './transport.js';
export { EmlTransport } from './eml.js';
export { SmtpTransport } from './smtp.js';
