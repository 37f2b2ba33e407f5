document.addEventListener("DOMContentLoaded", function () {
  var options = JSON.parse(document.getElementById("rzp-options").textContent);
  options.handler = function (response) {
    document.getElementById("rzp-order").value = response.razorpay_order_id;
    document.getElementById("rzp-payment").value = response.razorpay_payment_id;
    document.getElementById("rzp-signature").value = response.razorpay_signature;
    document.getElementById("rzp-form").submit();
  };
  document.getElementById("rzp-pay").addEventListener("click", function () {
    new Razorpay(options).open();
  });
});
