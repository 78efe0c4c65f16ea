export { deliver, recoverInterrupted, type DeliverOptions, type DeliveryFailure, type DeliveryProgress, type DeliveryResult } from './deliver.js';
export { defaultOutboxDir, openTransport, retryDelays, retryDelaysOf, type TransportPlace } from './settings.js';
export { SendFailure, type OutgoingLetter, type Transport } from './transport.js';
export { EmlTransport } from './eml.js';
export { SmtpTransport } from './smtp.js';
