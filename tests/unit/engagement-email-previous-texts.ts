/**
 * What every patient notice queued before emails were rendered through the clinic layout
 * (generated at commit 435b0b9 by running each notice with the inputs of
 * engagement-email-notice-harness.ts). The rendered email's text part, subject and SMS must stay
 * exactly these: the words were reviewed for health information, and patients know them.
 * Do not regenerate this file to make a test pass; change a text on purpose and here by hand.
 * (form-reminder went with the forms' own reminder job: those reminders are the built-in "Form due
 * reminder" automation's templates now, lib/engagement/templates/builtins.ts.)
 */
export const PREVIOUS_NOTICE_TEXTS: Record<string, { subject: string; emailText: string; sms: string | null; attachments: string[] }> = {
  "document:en": {
    "subject": "New document in your Sunrise Family Clinic portal",
    "emailText": "Hello,\n\nA new document is available in your Sunrise Family Clinic patient portal. Sign in to view it:\nhttps://sunrise.carebridge.example/portal/documents\n\nThis is an automatic message from Sunrise Family Clinic.",
    "sms": "A new document is available in your Sunrise Family Clinic patient portal. Sign in to view it.",
    "attachments": []
  },
  "appointment-confirmed:en": {
    "subject": "Your appointment at Sunrise Family Clinic is confirmed",
    "emailText": "Hello,\n\nYour appointment on Wednesday, January 9, 2030 at 10:00 AM EST at Main Street is confirmed. The attached calendar file adds it to your calendar.\nTo change or cancel it, sign in to your patient portal: https://sunrise.carebridge.example/portal/bookings\n\nThis is an automatic message from Sunrise Family Clinic.",
    "sms": "Sunrise Family Clinic: your appointment on Wednesday, January 9, 2030 at 10:00 AM EST at Main Street is confirmed.",
    "attachments": [
      "appointment.ics"
    ]
  },
  "appointment-cancelled:en": {
    "subject": "Your appointment at Sunrise Family Clinic has been cancelled",
    "emailText": "Hello,\n\nYour appointment on Wednesday, January 9, 2030 at 10:00 AM EST at Main Street has been cancelled.\nTo book another visit, sign in to your patient portal: https://sunrise.carebridge.example/portal/bookings\n\nThis is an automatic message from Sunrise Family Clinic.",
    "sms": "Sunrise Family Clinic: your appointment on Wednesday, January 9, 2030 at 10:00 AM EST at Main Street has been cancelled.",
    "attachments": [
      "appointment-cancelled.ics"
    ]
  },
  "subscription-renewal_failed-retry:en": {
    "subject": "Your subscription payment to Sunrise Family Clinic did not go through",
    "emailText": "Hello,\n\nSunrise Family Clinic could not charge your saved card $49.00 for your subscription. We will try again on Sunday, February 3.\n\nUpdate your card in your patient portal so your subscription continues:\nhttps://sunrise.carebridge.example/portal/billing/cards\n\nThis is an automatic message from Sunrise Family Clinic.",
    "sms": null,
    "attachments": []
  },
  "subscription-renewal_failed-last:en": {
    "subject": "Your subscription payment to Sunrise Family Clinic did not go through",
    "emailText": "Hello,\n\nSunrise Family Clinic could not charge your saved card $49.00 for your subscription.\n\nUpdate your card in your patient portal so your subscription continues:\nhttps://sunrise.carebridge.example/portal/billing/cards\n\nThis is an automatic message from Sunrise Family Clinic.",
    "sms": null,
    "attachments": []
  },
  "subscription-cancelled_unpaid:en": {
    "subject": "Your subscription with Sunrise Family Clinic has been cancelled",
    "emailText": "Hello,\n\nSunrise Family Clinic could not charge your saved card $49.00 after several tries, so your subscription has been cancelled and you will not be charged for it again.\n\nTo start it again, visit your patient portal:\nhttps://sunrise.carebridge.example/portal/subscriptions\n\nThis is an automatic message from Sunrise Family Clinic.",
    "sms": null,
    "attachments": []
  },
  "message:en": {
    "subject": "New secure message from Sunrise Family Clinic",
    "emailText": "Hello,\n\nYou have a new secure message from Sunrise Family Clinic. Sign in to your portal to read it:\nhttps://sunrise.carebridge.example/portal/messages\n\nThis is an automatic message from Sunrise Family Clinic.",
    "sms": "You have a new secure message from Sunrise Family Clinic. Sign in to your portal to read it: https://sunrise.carebridge.example/portal/messages",
    "attachments": []
  },
  "billing-invoice:en": {
    "subject": "New invoice from Sunrise Family Clinic",
    "emailText": "Hello,\n\nSunrise Family Clinic has sent you invoice INV-000001 for $120.00. See it and pay in your patient portal:\nhttps://sunrise.carebridge.example/portal/billing\n\nThis is an automatic message from Sunrise Family Clinic.",
    "sms": null,
    "attachments": []
  },
  "billing-receipt:en": {
    "subject": "Your payment to Sunrise Family Clinic",
    "emailText": "Hello,\n\nThank you: Sunrise Family Clinic received your payment of $120.00 (receipt INV-000001). Your receipt is in your patient portal:\nhttps://sunrise.carebridge.example/portal/billing\n\nThis is an automatic message from Sunrise Family Clinic.",
    "sms": null,
    "attachments": []
  },
  "billing-refund:en": {
    "subject": "A refund from Sunrise Family Clinic",
    "emailText": "Hello,\n\nSunrise Family Clinic has refunded $120.00 of payment INV-000001. It can take 5–10 days to reach your account. Details are in your patient portal:\nhttps://sunrise.carebridge.example/portal/billing\n\nThis is an automatic message from Sunrise Family Clinic.",
    "sms": null,
    "attachments": []
  },
  "form-assigned:en": {
    "subject": "Sunrise Family Clinic has a form for you",
    "emailText": "Hello,\n\nSunrise Family Clinic has a form for you in your patient portal. Sign in to fill it in:\nhttps://sunrise.carebridge.example/portal/forms\n\nThis is an automatic message from Sunrise Family Clinic.",
    "sms": "Sunrise Family Clinic has a form for you in your patient portal. Sign in to fill it in.",
    "attachments": []
  },
  "form-correction:en": {
    "subject": "Sunrise Family Clinic asked you to check a form",
    "emailText": "Hello,\n\nSunrise Family Clinic has asked you to check and correct a form you sent. Sign in to your patient portal to see it:\nhttps://sunrise.carebridge.example/portal/forms\n\nThis is an automatic message from Sunrise Family Clinic.",
    "sms": "Sunrise Family Clinic has asked you to check a form in your patient portal.",
    "attachments": []
  },
  "order-shipped:en": {
    "subject": "Your order ORD-000042 from Sunrise Family Clinic has shipped",
    "emailText": "Hello,\n\nYour order ORD-000042 has shipped. Track it in the portal:\nhttps://sunrise.carebridge.example/portal/orders/5b0c2c1e-8f7a-4c1d-9e2f-1a2b3c4d5e6f\n\nThis is an automatic message from Sunrise Family Clinic.",
    "sms": "Sunrise Family Clinic: your order ORD-000042 has shipped. Track it in your patient portal.",
    "attachments": []
  },
  "order-delivered:en": {
    "subject": "Your order ORD-000042 from Sunrise Family Clinic was delivered",
    "emailText": "Hello,\n\nYour order ORD-000042 was delivered. The details are in the portal:\nhttps://sunrise.carebridge.example/portal/orders/5b0c2c1e-8f7a-4c1d-9e2f-1a2b3c4d5e6f\n\nThis is an automatic message from Sunrise Family Clinic.",
    "sms": "Sunrise Family Clinic: your order ORD-000042 was delivered. The details are in your patient portal.",
    "attachments": []
  },
  "document:es": {
    "subject": "Nuevo documento en su portal de Sunrise Family Clinic",
    "emailText": "Hola:\n\nHay un nuevo documento disponible en su portal de pacientes de Sunrise Family Clinic. Inicie sesión para verlo:\nhttps://sunrise.carebridge.example/portal/documents\n\nEste es un mensaje automático de Sunrise Family Clinic.",
    "sms": "Hay un nuevo documento disponible en su portal de pacientes de Sunrise Family Clinic. Inicie sesión para verlo.",
    "attachments": []
  },
  "appointment-confirmed:es": {
    "subject": "Su cita en Sunrise Family Clinic está confirmada",
    "emailText": "Hola:\n\nSu cita del miércoles, 9 de enero de 2030 a las 10:00 GMT-5 en Main Street está confirmada. El archivo de calendario adjunto la añade a su calendario.\nPara cambiarla o cancelarla, inicie sesión en su portal de pacientes: https://sunrise.carebridge.example/portal/bookings\n\nEste es un mensaje automático de Sunrise Family Clinic.",
    "sms": "Sunrise Family Clinic: su cita del miércoles, 9 de enero de 2030 a las 10:00 GMT-5 en Main Street está confirmada.",
    "attachments": [
      "appointment.ics"
    ]
  },
  "appointment-cancelled:es": {
    "subject": "Su cita en Sunrise Family Clinic ha sido cancelada",
    "emailText": "Hola:\n\nSu cita del miércoles, 9 de enero de 2030 a las 10:00 GMT-5 en Main Street ha sido cancelada.\nPara reservar otra visita, inicie sesión en su portal de pacientes: https://sunrise.carebridge.example/portal/bookings\n\nEste es un mensaje automático de Sunrise Family Clinic.",
    "sms": "Sunrise Family Clinic: su cita del miércoles, 9 de enero de 2030 a las 10:00 GMT-5 en Main Street ha sido cancelada.",
    "attachments": [
      "appointment-cancelled.ics"
    ]
  },
  "subscription-renewal_failed-retry:es": {
    "subject": "No se pudo cobrar el pago de su suscripción con Sunrise Family Clinic",
    "emailText": "Hola:\n\nSunrise Family Clinic no pudo cobrar $49.00 de su tarjeta guardada para su suscripción. Lo intentaremos de nuevo el domingo, 3 de febrero.\n\nActualice su tarjeta en su portal de pacientes para que su suscripción continúe:\nhttps://sunrise.carebridge.example/portal/billing/cards\n\nEste es un mensaje automático de Sunrise Family Clinic.",
    "sms": null,
    "attachments": []
  },
  "subscription-renewal_failed-last:es": {
    "subject": "No se pudo cobrar el pago de su suscripción con Sunrise Family Clinic",
    "emailText": "Hola:\n\nSunrise Family Clinic no pudo cobrar $49.00 de su tarjeta guardada para su suscripción.\n\nActualice su tarjeta en su portal de pacientes para que su suscripción continúe:\nhttps://sunrise.carebridge.example/portal/billing/cards\n\nEste es un mensaje automático de Sunrise Family Clinic.",
    "sms": null,
    "attachments": []
  },
  "subscription-cancelled_unpaid:es": {
    "subject": "Su suscripción con Sunrise Family Clinic ha sido cancelada",
    "emailText": "Hola:\n\nSunrise Family Clinic no pudo cobrar $49.00 de su tarjeta guardada después de varios intentos, así que su suscripción ha sido cancelada y no se le cobrará de nuevo por ella.\n\nPara reanudarla, visite su portal de pacientes:\nhttps://sunrise.carebridge.example/portal/subscriptions\n\nEste es un mensaje automático de Sunrise Family Clinic.",
    "sms": null,
    "attachments": []
  },
  "message:es": {
    "subject": "Nuevo mensaje seguro de Sunrise Family Clinic",
    "emailText": "Hola:\n\nTiene un nuevo mensaje seguro de Sunrise Family Clinic. Inicie sesión en su portal para leerlo:\nhttps://sunrise.carebridge.example/portal/messages\n\nEste es un mensaje automático de Sunrise Family Clinic.",
    "sms": "Tiene un nuevo mensaje seguro de Sunrise Family Clinic. Inicie sesión en su portal para leerlo: https://sunrise.carebridge.example/portal/messages",
    "attachments": []
  },
  "billing-invoice:es": {
    "subject": "Nueva factura de Sunrise Family Clinic",
    "emailText": "Hola:\n\nSunrise Family Clinic le ha enviado la factura INV-000001 por $120.00. Véala y páguela en su portal de pacientes:\nhttps://sunrise.carebridge.example/portal/billing\n\nEste es un mensaje automático de Sunrise Family Clinic.",
    "sms": null,
    "attachments": []
  },
  "billing-receipt:es": {
    "subject": "Su pago a Sunrise Family Clinic",
    "emailText": "Hola:\n\nGracias: Sunrise Family Clinic recibió su pago de $120.00 (recibo INV-000001). Su recibo está en su portal de pacientes:\nhttps://sunrise.carebridge.example/portal/billing\n\nEste es un mensaje automático de Sunrise Family Clinic.",
    "sms": null,
    "attachments": []
  },
  "billing-refund:es": {
    "subject": "Un reembolso de Sunrise Family Clinic",
    "emailText": "Hola:\n\nSunrise Family Clinic le ha reembolsado $120.00 del pago INV-000001. Puede tardar de 5 a 10 días en llegar a su cuenta. Los detalles están en su portal de pacientes:\nhttps://sunrise.carebridge.example/portal/billing\n\nEste es un mensaje automático de Sunrise Family Clinic.",
    "sms": null,
    "attachments": []
  },
  "form-assigned:es": {
    "subject": "Sunrise Family Clinic tiene un formulario para usted",
    "emailText": "Hola:\n\nSunrise Family Clinic tiene un formulario para usted en su portal de pacientes. Inicie sesión para completarlo:\nhttps://sunrise.carebridge.example/portal/forms\n\nEste es un mensaje automático de Sunrise Family Clinic.",
    "sms": "Sunrise Family Clinic tiene un formulario para usted en su portal de pacientes. Inicie sesión para completarlo.",
    "attachments": []
  },
  "form-correction:es": {
    "subject": "Sunrise Family Clinic le pidió revisar un formulario",
    "emailText": "Hola:\n\nSunrise Family Clinic le ha pedido que revise y corrija un formulario que envió. Inicie sesión en su portal de pacientes para verlo:\nhttps://sunrise.carebridge.example/portal/forms\n\nEste es un mensaje automático de Sunrise Family Clinic.",
    "sms": "Sunrise Family Clinic le ha pedido que revise un formulario en su portal de pacientes.",
    "attachments": []
  },
  "order-shipped:es": {
    "subject": "Su pedido ORD-000042 de Sunrise Family Clinic ha sido enviado",
    "emailText": "Hola:\n\nSu pedido ORD-000042 ha sido enviado. Siga el envío en el portal:\nhttps://sunrise.carebridge.example/portal/orders/5b0c2c1e-8f7a-4c1d-9e2f-1a2b3c4d5e6f\n\nEste es un mensaje automático de Sunrise Family Clinic.",
    "sms": "Sunrise Family Clinic: su pedido ORD-000042 ha sido enviado. Siga el envío en su portal de pacientes.",
    "attachments": []
  },
  "order-delivered:es": {
    "subject": "Su pedido ORD-000042 de Sunrise Family Clinic fue entregado",
    "emailText": "Hola:\n\nSu pedido ORD-000042 fue entregado. Los detalles están en el portal:\nhttps://sunrise.carebridge.example/portal/orders/5b0c2c1e-8f7a-4c1d-9e2f-1a2b3c4d5e6f\n\nEste es un mensaje automático de Sunrise Family Clinic.",
    "sms": "Sunrise Family Clinic: su pedido ORD-000042 fue entregado. Los detalles están en su portal de pacientes.",
    "attachments": []
  }
};
